"""IP addresses and CIDR blocks, as the reference implementation reads them.

A text is an address when it is four dot-separated groups of digits (leading zeros allowed,
read as decimal, each at most 255), an IPv6 text made only of hex digits and colons, or a
plain decimal number below 2^32 (Java reads ``10`` as ``0.0.0.10``; event *numbers* are read
that way too).  Anything else (spaces, ``127.1``, ``::ffff:1.2.3.4``, a port) is not.

Like the reference, addresses and blocks are compared as upper-case hex strings (8 digits
for IPv4, 32 for IPv6) in lexicographic order, so ``::/0`` also contains IPv4 addresses.
An IPv4-mapped IPv6 address in hex form is the IPv4 address.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["parse_ip", "parse_exact_ip", "parse_cidr", "hex_address", "IpError"]

_V4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_V6 = re.compile(r"[0-9a-fA-F:]+")
_DIGITS = re.compile(r"[0-9]+")


class IpError(ValueError):
    """A refused address or block; ``str()`` is the reference's message."""


def _address(text: str) -> tuple[int, int]:
    """(bits, value) of an address text, or raise IpError with the reference's message."""
    if _V4.fullmatch(text):
        parts = [int(p) for p in text.split(".")]
        if any(p > 255 for p in parts):
            raise IpError(f"Invalid IP address: {text}")
        return 32, (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    if _DIGITS.fullmatch(text):
        value = int(text)
        if value > 0xFFFFFFFF:
            raise IpError(f"Invalid IP address: {text}")
        return 32, value
    if ":" in text and _V6.fullmatch(text):
        try:
            addr = ipaddress.IPv6Address(text)
        except ValueError:
            raise IpError(f"Invalid IP address: {text}") from None
        mapped = addr.ipv4_mapped
        if mapped is not None:
            return 32, int(mapped)
        return 128, int(addr)
    raise IpError(f"Nonstandard IP address: {text}")


def hex_address(bits: int, value: int) -> str:
    """The reference's comparable form of an address: upper-case hex, 8 or 32 digits."""
    return f"{value:0{bits // 4}X}"


def parse_ip(text: str) -> str | None:
    """The hex form of ``text`` when it is an address, else ``None``."""
    if not text or len(text) > 64:
        return None
    c = text[0]
    if not (c.isdigit() or c in "abcdefABCDEF:"):
        return None
    try:
        return hex_address(*_address(text))
    except IpError:
        return None


def parse_exact_ip(text: str) -> str | None:
    """The hex form of an exact *pattern* string that the reference turns into an address
    range: dotted IPv4 or IPv6 text (a bare number stays a string)."""
    if _DIGITS.fullmatch(text):
        return None
    return parse_ip(text)


def parse_cidr(text: str) -> tuple[str, str]:
    """(low, high) hex forms of a CIDR block, or raise IpError with the reference's message."""
    parts = text.split("/")
    while parts and parts[-1] == "":  # Java's String.split drops trailing empty strings
        parts.pop()
    if len(parts) != 2:
        raise IpError("Malformed CIDR, one '/' required")
    ip_text, mask_text = parts
    if not re.fullmatch(r"[+-]?[0-9]+", mask_text):
        raise IpError("Malformed CIDR, mask bits must be an integer")
    mask = int(mask_text)
    if mask < 0:
        raise IpError("Malformed CIDR, mask bits must not be negative")
    bits, value = _address(ip_text)
    if mask >= bits:
        raise IpError(f"IPv{4 if bits == 32 else 6} mask bits must be < {bits}")
    host = (1 << (bits - mask)) - 1
    low = value & ~host & ((1 << bits) - 1)
    return hex_address(bits, low), hex_address(bits, low | host)
