"""SigV4 for ``rumrules serve --credentials FILE``: a request's signature is checked by
recomputing it with botocore's own signer (:class:`botocore.auth.SigV4Auth`) over the
request as received, with the secret of its access key id; and the one public door RUM has,
``PutRumEvents`` to an app monitor whose resource policy allows it to everyone."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ..errors import RumRulesError

__all__ = ["AuthError", "Verifier", "load_credentials", "policy_allows", "SIGNING_NAME",
           "MAX_CLOCK_SKEW"]

SIGNING_NAME = "rum"
ALGORITHM = "AWS4-HMAC-SHA256"
#: How far a request's X-Amz-Date may be from the server's clock (AWS allows 5 minutes).
MAX_CLOCK_SKEW = timedelta(minutes=5)
_STAMP = "%Y%m%dT%H%M%SZ"
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})\s*")
_KEY_ID = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_MISMATCH = ("The request signature we calculated does not match the signature you "
             "provided. Check your AWS Secret Access Key and signing method. Consult the "
             "service documentation for details.")


class AuthError(Exception):
    """A request refused by authentication: ``code`` (the service's exception name),
    ``status`` (its HTTP status) and ``message``."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        self.code, self.message, self.status = code, message, status
        super().__init__(message)


def load_credentials(path: str | Path) -> dict[str, str]:
    """Access key id -> secret access key from ``path``: one pair a line, the id and the
    secret separated by white space; blank lines and ``#`` comments ignored.  Raise
    :class:`~rumrules.RumRulesError` naming the file and line of anything else."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RumRulesError(f"{path}: cannot read the credentials file: "
                            f"{getattr(e, 'strerror', None) or e}") from None
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or not _KEY_ID.fullmatch(words[0]):
            raise RumRulesError(f"{path}:{number}:1: expected ACCESS_KEY_ID SECRET_ACCESS_KEY",
                                hint="one pair a line, separated by a space; # starts a "
                                     "comment")
        if words[0] in pairs:
            raise RumRulesError(f"{path}:{number}:1: access key id {words[0]} is given twice")
        pairs[words[0]] = words[1]
    if not pairs:
        raise RumRulesError(f"{path}: the credentials file holds no ACCESS_KEY_ID SECRET pair")
    return pairs


class Verifier:
    """Checks SigV4 signatures of requests for service ``rum`` in ``region`` against
    ``credentials`` (access key id -> secret)."""

    def __init__(self, credentials: Mapping[str, str], region: str) -> None:
        self.credentials = dict(credentials)
        self.region = region

    @staticmethod
    def signed(headers: Mapping[str, str]) -> bool:
        """Whether the request carries a signature at all (``headers`` lower-cased)."""
        return "authorization" in headers

    def verify(self, method: str, raw_path: str, query: str, headers: Mapping[str, str],
               body: bytes, now: datetime | None = None) -> str:
        """The access key id of a correctly signed request; raise :class:`AuthError` as the
        service answers otherwise (``headers`` lower-cased)."""
        header = headers.get("authorization")
        if header is None:
            raise AuthError("MissingAuthenticationTokenException", "Missing Authentication Token")
        m = _AUTHORIZATION.fullmatch(header.strip())
        if m is None:
            raise AuthError("IncompleteSignatureException",
                            f"Authorization header requires {ALGORITHM} with Credential, "
                            f"SignedHeaders and Signature", 400)
        parts = m["credential"].split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            raise AuthError("IncompleteSignatureException",
                            "Credential must be KEY/DATE/REGION/SERVICE/aws4_request", 400)
        key_id, day, region, service, _ = parts
        secret = self.credentials.get(key_id)
        if secret is None:
            raise AuthError("UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        stamp = headers.get("x-amz-date", "")
        try:
            when = datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc)
        except ValueError:
            raise AuthError("IncompleteSignatureException",
                            "The request must carry X-Amz-Date as YYYYMMDDTHHMMSSZ",
                            400) from None
        now = now or datetime.now(timezone.utc)
        if when < now - MAX_CLOCK_SKEW:
            raise AuthError("InvalidSignatureException",
                            f"Signature expired: {stamp} is now earlier than "
                            f"{(now - MAX_CLOCK_SKEW).strftime(_STAMP)} "
                            f"({now.strftime(_STAMP)} - 5 min.)")
        if when > now + MAX_CLOCK_SKEW:
            raise AuthError("InvalidSignatureException",
                            f"Signature not yet current: {stamp} is still later than "
                            f"{(now + MAX_CLOCK_SKEW).strftime(_STAMP)} "
                            f"({now.strftime(_STAMP)} + 5 min.)")
        if day != stamp[:8] or service != SIGNING_NAME or region != self.region:
            raise AuthError("InvalidSignatureException",
                            f"Credential should be scoped to a valid region and service: "
                            f"{stamp[:8]}/{self.region}/{SIGNING_NAME}, not "
                            f"{day}/{region}/{service}")
        signed = m["signed"].split(";")
        if "host" not in signed or any(h not in headers for h in signed):
            raise AuthError("InvalidSignatureException", _MISMATCH)
        content_hash = headers.get("x-amz-content-sha256")
        if content_hash is not None and content_hash != hashlib.sha256(body).hexdigest():
            raise AuthError("InvalidSignatureException",
                            "The provided X-Amz-Content-SHA256 header does not match what "
                            "was computed.", 400)
        url = f"http://{headers['host']}{raw_path}" + (f"?{query}" if query else "")
        request = AWSRequest(method=method, url=url, data=body,
                             headers={h: headers[h] for h in signed})
        if content_hash is not None:  # botocore reads it under this spelling
            del request.headers["x-amz-content-sha256"]
            request.headers["X-Amz-Content-SHA256"] = content_hash
        request.context["timestamp"] = stamp
        signer = SigV4Auth(Credentials(key_id, secret), SIGNING_NAME, self.region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, m["signature"]):
            raise AuthError("InvalidSignatureException", _MISMATCH)
        return key_id


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _matches(pattern: Any, value: str) -> bool:
    if not isinstance(pattern, str):
        return False
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if pattern.startswith("rum:") else 0) \
        is not None


def _public(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in _listed(principal.get("AWS"))


def policy_allows(policy: Mapping[str, Any] | None, action: str, arn: str) -> bool:
    """Whether a resource policy lets anyone (``Principal: "*"``) do ``action`` (``rum:...``)
    on ``arn``: an ``Allow`` statement names them and no ``Deny`` statement does.
    Conditions are not evaluated: a statement with a ``Condition`` does not allow."""
    if not policy:
        return False
    allowed = False
    for statement in _listed(policy.get("Statement")):
        if not isinstance(statement, Mapping) or not _public(statement.get("Principal")):
            continue
        if not any(_matches(a, action) for a in _listed(statement.get("Action"))):
            continue
        if not any(_matches(r, arn) for r in _listed(statement.get("Resource", "*"))):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow" and not statement.get("Condition"):
            allowed = True
    return allowed
