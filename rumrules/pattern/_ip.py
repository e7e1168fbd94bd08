"""IP addresses and CIDR blocks, as the reference implementation reads them.

A text is an address when it is four dot-separated groups of digits (leading zeros allowed,
read as decimal, each at most 255) or an IPv6 text made only of hex digits and colons.  In a
*pattern* nothing else is (``{"cidr": "10/8"}`` is refused with ``Nonstandard IP address: 10``,
as the reference refuses it); in an *event* a plain decimal number below 2^32 is also read as
an address (``10`` as ``0.0.0.10``).  Anything else (spaces, ``127.1``, ``::ffff:1.2.3.4``,
a port) is not.  The CIDR mask is read as Java's ``Integer.parseInt`` reads it: an optional
sign and decimal digits of any script (``\\u0668`` is 8), within Java's ``int`` range.

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
# Java's Integer.parseInt: a sign, then decimal digits of any script (Unicode category Nd)
_JAVA_INT = re.compile(r"[+-]?\d+")
_INT_MIN, _INT_MAX = -2 ** 31, 2 ** 31 - 1


class IpError(ValueError):
    """A refused address or block; ``str()`` is the reference's message."""


def _address(text: str, number: bool = True) -> tuple[int, int]:
    """(bits, value) of an address text, or raise IpError with the reference's message.

    ``number``: a plain decimal number is an IPv4 address (event values only)."""
    if _V4.fullmatch(text):
        parts = [int(p) for p in text.split(".")]
        if any(p > 255 for p in parts):
            raise IpError(f"Invalid IP address: {text}")
        return 32, (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    if number and _DIGITS.fullmatch(text):
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
    mask = int(mask_text) if _JAVA_INT.fullmatch(mask_text) else None
    if mask is None or not _INT_MIN <= mask <= _INT_MAX:
        raise IpError("Malformed CIDR, mask bits must be an integer")
    if mask < 0:
        raise IpError("Malformed CIDR, mask bits must not be negative")
    bits, value = _address(ip_text, number=False)
    if mask >= bits:
        raise IpError(f"IPv{4 if bits == 32 else 6} mask bits must be < {bits}")
    host = (1 << (bits - mask)) - 1
    low = value & ~host & ((1 << bits) - 1)
    return hex_address(bits, low), hex_address(bits, low | host)
