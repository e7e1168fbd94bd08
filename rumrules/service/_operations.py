"""The twenty CloudWatch RUM operations over a :class:`~rumrules.service.Store`.

Each operation takes its request as the API's members (boto3's parameter names, the shapes
already checked against botocore's model by the caller, e.g. ``rumrules serve``) and returns
its response members, in one transaction.  What the service does beyond the shapes is here:
existence, conflicts, policy revisions, destinations, the metric-definition rules (through
:func:`~rumrules.service.batch_create` and friends over a :class:`MetricDestination` loaded
from the database), ingestion, queries and paging.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..errors import RequestError
from ..ingestion import ingest_batch
from ._api import batch_create, batch_delete, update_definition
from ._destination import MetricDestination
from ._settings import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from ._store import Store

__all__ = ["RumService", "ServiceError", "OPERATIONS", "FILTER_FIELDS"]

POLICY_MAX_BYTES = 4096
DEFAULT_PAGE = 100
# How GetAppMonitorData's QueryFilter names read a stored document.
FILTER_FIELDS: dict[str, tuple[str, ...]] = {
    "Browser": ("metadata", "browserName"),
    "Device": ("metadata", "deviceType"),
    "Country": ("metadata", "countryCode"),
    "Page": ("metadata", "pageId"),
    "OS": ("metadata", "osName"),
    "EventType": ("event_type",),
}
INVERT = "Invert"
_ARN = re.compile(r"arn:[^:]+:rum:[^:]*:[^:]*:appmonitor/(?P<name>.+)")


class ServiceError(RequestError):
    """An operation the service refuses: ``code`` is the API's exception name
    (``ResourceNotFoundException``, ``ConflictException``, ``InvalidPolicyRevisionIdException``
    ...), ``resource_name``/``resource_type`` the members those exceptions carry."""

    def __init__(self, message: str, *, code: str = "ValidationException",
                 field: str | None = None, resource_name: str | None = None,
                 resource_type: str | None = None) -> None:
        self.resource_name = resource_name
        self.resource_type = resource_type
        super().__init__(message, field=field, code=code)


def _not_found(kind: str, name: str, what: str | None = None) -> ServiceError:
    return ServiceError(what or f"{kind} not found: {name}", code="ResourceNotFoundException",
                        resource_name=name, resource_type=kind)


def _invalid(message: str, field: str | None = None) -> ServiceError:
    return ServiceError(message, field=field)


def _now() -> str:
    """An ISOTimestampString: ``2024-01-31T12:34:56`` (UTC, 19 characters)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


# -- paging --------------------------------------------------------------------------------
def _token(operation: str, last: Any) -> str:
    raw = json.dumps([operation, last], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(operation: str, token: str | None) -> Any:
    """The last key a NextToken of ``operation`` stands for (``None``: from the start)."""
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        op, last = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise _invalid(f"NextToken {token!r} is not a token this operation returned",
                       "NextToken") from None
    if op != operation:
        raise _invalid(f"NextToken {token!r} is not a token this operation returned",
                       "NextToken")
    return last


def _paging(operation: str, p: Mapping) -> tuple[int, Any]:
    """``(limit, last key seen)`` of a listing request (MaxResults 0 or absent: the
    default page)."""
    return p.get("MaxResults") or DEFAULT_PAGE, _after(operation, p.get("NextToken"))


def _page(rows: list, limit: int, operation: str, key: Callable[[Any], Any]) -> tuple[list, dict]:
    """``rows`` (at most ``limit + 1`` fetched) cut to ``limit`` and the NextToken member."""
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, {"NextToken": _token(operation, key(rows[-1]))}
    return rows, {}


class RumService:
    """CloudWatch RUM's control plane and data plane over a :class:`Store`.

    :meth:`call` runs one operation by its API name (``"CreateAppMonitor"``) with its
    members, and returns the response members; refusals are :class:`ServiceError` (and
    :class:`~rumrules.RequestError` from the rule checker and ingestion), nothing of a
    refused request stored.  ``account_id`` and ``region`` are the ones the emulated
    account reports (stored documents' ``account_id``, log group names).
    """

    def __init__(self, store: Store, *, account_id: str = DEFAULT_ACCOUNT_ID,
                 region: str = DEFAULT_REGION) -> None:
        self.store = store
        self.account_id = account_id
        self.region = region

    def call(self, operation: str, params: Mapping[str, Any]) -> dict:
        """Run ``operation`` (an API name from :data:`OPERATIONS`) with ``params``."""
        method = OPERATIONS.get(operation)
        if method is None:
            raise ServiceError(f"unknown operation {operation!r}",
                               code="UnknownOperationException")
        return method(self, dict(params))

    # -- app monitors --------------------------------------------------------------------
    def _monitor(self, conn: sqlite3.Connection, name: str) -> dict:
        row = conn.execute("SELECT body FROM app_monitors WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise _not_found("AppMonitor", name, f"AppMonitor {name} does not exist")
        return json.loads(row[0])

    def _check_domains(self, monitor: dict) -> None:
        if monitor.get("Platform", "Web") == "Web" and not (monitor.get("Domain")
                                                             or monitor.get("DomainList")):
            raise _invalid("A Web app monitor needs Domain or DomainList", "Domain")

    def _apply(self, monitor: dict, params: dict) -> None:
        if "Domain" in params and "DomainList" in params:
            raise _invalid("Specify Domain or DomainList, not both", "DomainList")
        if "Domain" in params:
            monitor["Domain"] = params["Domain"]
            monitor.pop("DomainList", None)
        if "DomainList" in params:
            monitor["DomainList"] = list(params["DomainList"])
            monitor.pop("Domain", None)
        for member in ("AppMonitorConfiguration", "CustomEvents", "DeobfuscationConfiguration"):
            if member in params:
                monitor[member] = params[member]
        deob = monitor.get("DeobfuscationConfiguration", {}).get("JavaScriptSourceMaps")
        if deob and deob.get("Status") == "ENABLED" and not deob.get("S3Uri"):
            raise _invalid("S3Uri is required when JavaScriptSourceMaps Status is ENABLED",
                           "DeobfuscationConfiguration.JavaScriptSourceMaps.S3Uri")
        if "CwLogEnabled" in params:
            enabled = bool(params["CwLogEnabled"])
            cw: dict[str, Any] = {"CwLogEnabled": enabled}
            if enabled:
                cw["CwLogGroup"] = f"/aws/vendedlogs/RUMService_{monitor['Name']}" \
                                   f"{monitor['Id'][:8]}"
            monitor["DataStorage"] = {"CwLog": cw}
        self._check_domains(monitor)

    def create_app_monitor(self, p: dict) -> dict:
        name = p["Name"]
        with self.store.write() as conn:
            if conn.execute("SELECT 1 FROM app_monitors WHERE name = ?", (name,)).fetchone():
                raise ServiceError(f"AppMonitor {name} already exists",
                                   code="ConflictException", resource_name=name,
                                   resource_type="AppMonitor")
            now = _now()
            monitor: dict[str, Any] = {
                "Name": name, "Id": str(uuid.uuid4()), "Created": now, "LastModified": now,
                "State": "CREATED", "Platform": p.get("Platform", "Web"),
                "CustomEvents": {"Status": "DISABLED"},
                "DataStorage": {"CwLog": {"CwLogEnabled": False}}}
            self._apply(monitor, p)
            conn.execute("INSERT INTO app_monitors (name, id, body) VALUES (?, ?, ?)",
                         (name, monitor["Id"], json.dumps(monitor)))
            self._put_tags(conn, name, p.get("Tags") or {})
            return {"Id": monitor["Id"]}

    def get_app_monitor(self, p: dict) -> dict:
        with self.store.read() as conn:
            monitor = self._monitor(conn, p["Name"])
            monitor["Tags"] = self._tags(conn, p["Name"])
            return {"AppMonitor": monitor}

    def update_app_monitor(self, p: dict) -> dict:
        with self.store.write() as conn:
            monitor = self._monitor(conn, p["Name"])
            self._apply(monitor, p)
            monitor["LastModified"] = _now()
            conn.execute("UPDATE app_monitors SET body = ? WHERE name = ?",
                         (json.dumps(monitor), p["Name"]))
        return {}

    def delete_app_monitor(self, p: dict) -> dict:
        name = p["Name"]
        with self.store.write() as conn:
            monitor = self._monitor(conn, name)
            seqs = [r[0] for r in conn.execute(
                "SELECT seq FROM destinations WHERE app_monitor = ?", (name,))]
            conn.executemany("DELETE FROM definitions WHERE destination_seq = ?",
                             [(s,) for s in seqs])
            for table in ("destinations", "tags", "policies"):
                conn.execute(f"DELETE FROM {table} WHERE app_monitor = ?", (name,))
            conn.execute("DELETE FROM events WHERE app_monitor_id = ?", (monitor["Id"],))
            conn.execute("DELETE FROM app_monitors WHERE name = ?", (name,))
        return {}

    def list_app_monitors(self, p: dict) -> dict:
        limit, after = _paging("ListAppMonitors", p)
        with self.store.read() as conn:
            rows = conn.execute("SELECT name, body FROM app_monitors WHERE name > ? "
                                "ORDER BY name LIMIT ?", (after or "", limit + 1)).fetchall()
        rows, token = _page(rows, limit, "ListAppMonitors", lambda r: r[0])
        summaries = []
        for _, body in rows:
            m = json.loads(body)
            summaries.append({k: m[k] for k in ("Name", "Id", "Created", "LastModified",
                                                "State", "Platform") if k in m})
        return {"AppMonitorSummaries": summaries, **token}

    # -- tags ----------------------------------------------------------------------------
    def _tags(self, conn: sqlite3.Connection, name: str) -> dict:
        return dict(conn.execute("SELECT key, value FROM tags WHERE app_monitor = ? "
                                 "ORDER BY key", (name,)))

    def _put_tags(self, conn: sqlite3.Connection, name: str, tags: Mapping) -> None:
        conn.executemany("INSERT OR REPLACE INTO tags (app_monitor, key, value) "
                         "VALUES (?, ?, ?)", [(name, k, v) for k, v in tags.items()])
        count = conn.execute("SELECT COUNT(*) FROM tags WHERE app_monitor = ?",
                             (name,)).fetchone()[0]
        if count > 50:
            raise _invalid(f"a resource has at most 50 tags; this request would leave {count}",
                           "Tags")

    def _tagged(self, conn: sqlite3.Connection, arn: str) -> str:
        m = _ARN.fullmatch(arn)
        if m is None:
            raise _not_found("AppMonitor", arn, f"Resource {arn} does not exist: the ARN of "
                             f"an app monitor is arn:aws:rum:REGION:ACCOUNT:appmonitor/NAME")
        self._monitor(conn, m["name"])
        return m["name"]

    def tag_resource(self, p: dict) -> dict:
        with self.store.write() as conn:
            self._put_tags(conn, self._tagged(conn, p["ResourceArn"]), p["Tags"])
        return {}

    def untag_resource(self, p: dict) -> dict:
        with self.store.write() as conn:
            name = self._tagged(conn, p["ResourceArn"])
            conn.executemany("DELETE FROM tags WHERE app_monitor = ? AND key = ?",
                             [(name, k) for k in p["TagKeys"]])
        return {}

    def list_tags_for_resource(self, p: dict) -> dict:
        with self.store.read() as conn:
            name = self._tagged(conn, p["ResourceArn"])
            return {"ResourceArn": p["ResourceArn"], "Tags": self._tags(conn, name)}

    # -- resource policies ---------------------------------------------------------------
    def _policy(self, conn: sqlite3.Connection, name: str) -> tuple[str, str] | None:
        return conn.execute("SELECT document, revision FROM policies WHERE app_monitor = ?",
                            (name,)).fetchone()

    @staticmethod
    def _check_revision(current: tuple | None, given: str | None) -> None:
        if given is not None and (current is None or current[1] != given):
            have = "no policy" if current is None else f"revision {current[1]}"
            raise ServiceError(f"PolicyRevisionId {given} does not match the current policy "
                               f"({have})", code="InvalidPolicyRevisionIdException",
                               field="PolicyRevisionId")

    def put_resource_policy(self, p: dict) -> dict:
        document = p["PolicyDocument"]
        if len(document.encode()) > POLICY_MAX_BYTES:
            raise ServiceError(f"The policy document is {len(document.encode())} bytes; the "
                               f"limit is {POLICY_MAX_BYTES}",
                               code="PolicySizeLimitExceededException")
        try:
            parsed = json.loads(document)
        except ValueError as e:
            raise ServiceError(f"The policy document is not JSON: {e}",
                               code="MalformedPolicyDocumentException") from None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("Statement"),
                                                          (list, dict)):
            raise ServiceError("The policy document must be a JSON object with a Statement",
                               code="MalformedPolicyDocumentException")
        with self.store.write() as conn:
            self._monitor(conn, p["Name"])
            self._check_revision(self._policy(conn, p["Name"]), p.get("PolicyRevisionId"))
            revision = str(uuid.uuid4())
            conn.execute("INSERT OR REPLACE INTO policies (app_monitor, document, revision) "
                         "VALUES (?, ?, ?)", (p["Name"], document, revision))
        return {"PolicyDocument": document, "PolicyRevisionId": revision}

    def _existing_policy(self, conn: sqlite3.Connection, name: str) -> tuple[str, str]:
        self._monitor(conn, name)
        policy = self._policy(conn, name)
        if policy is None:
            raise ServiceError(f"AppMonitor {name} has no resource policy",
                               code="PolicyNotFoundException")
        return policy

    def get_resource_policy(self, p: dict) -> dict:
        with self.store.read() as conn:
            document, revision = self._existing_policy(conn, p["Name"])
        return {"PolicyDocument": document, "PolicyRevisionId": revision}

    def delete_resource_policy(self, p: dict) -> dict:
        with self.store.write() as conn:
            policy = self._existing_policy(conn, p["Name"])
            self._check_revision(policy, p.get("PolicyRevisionId"))
            conn.execute("DELETE FROM policies WHERE app_monitor = ?", (p["Name"],))
        return {"PolicyRevisionId": policy[1]}

    # -- metrics destinations ------------------------------------------------------------
    @staticmethod
    def _destination_arn(p: dict) -> str:
        destination, arn = p["Destination"], p.get("DestinationArn") or ""
        if destination == "Evidently" and not arn:
            raise _invalid("DestinationArn is required when Destination is Evidently",
                           "DestinationArn")
        if destination == "CloudWatch" and arn:
            raise _invalid("DestinationArn must not be specified when Destination is "
                           "CloudWatch", "DestinationArn")
        return arn

    def _destination_seq(self, conn: sqlite3.Connection, p: dict) -> int:
        self._monitor(conn, p["AppMonitorName"])
        arn = self._destination_arn(p)
        row = conn.execute("SELECT seq FROM destinations WHERE app_monitor = ? AND "
                           "destination = ? AND arn = ?",
                           (p["AppMonitorName"], p["Destination"], arn)).fetchone()
        if row is None:
            where = f"{p['Destination']} {arn}".strip()
            raise _not_found("MetricDestination", where,
                             f"Metrics destination {where} of AppMonitor "
                             f"{p['AppMonitorName']} does not exist")
        return row[0]

    def put_rum_metrics_destination(self, p: dict) -> dict:
        with self.store.write() as conn:
            self._monitor(conn, p["AppMonitorName"])
            arn = self._destination_arn(p)
            conn.execute("INSERT INTO destinations (app_monitor, destination, arn, "
                         "iam_role_arn) VALUES (?, ?, ?, ?) ON CONFLICT (app_monitor, "
                         "destination, arn) DO UPDATE SET iam_role_arn = excluded.iam_role_arn",
                         (p["AppMonitorName"], p["Destination"], arn, p.get("IamRoleArn")))
        return {}

    def delete_rum_metrics_destination(self, p: dict) -> dict:
        with self.store.write() as conn:
            seq = self._destination_seq(conn, p)
            conn.execute("DELETE FROM definitions WHERE destination_seq = ?", (seq,))
            conn.execute("DELETE FROM destinations WHERE seq = ?", (seq,))
        return {}

    def list_rum_metrics_destinations(self, p: dict) -> dict:
        limit, after = _paging("ListRumMetricsDestinations", p)
        with self.store.read() as conn:
            self._monitor(conn, p["AppMonitorName"])
            rows = conn.execute("SELECT seq, destination, arn, iam_role_arn FROM destinations "
                                "WHERE app_monitor = ? AND seq > ? ORDER BY seq LIMIT ?",
                                (p["AppMonitorName"], after or 0, limit + 1)).fetchall()
        rows, token = _page(rows, limit, "ListRumMetricsDestinations", lambda r: r[0])
        out = []
        for _, destination, arn, role in rows:
            item = {"Destination": destination}
            if arn:
                item["DestinationArn"] = arn
            if role:
                item["IamRoleArn"] = role
            out.append(item)
        return {"Destinations": out, **token}

    # -- metric definitions --------------------------------------------------------------
    def _load(self, conn: sqlite3.Connection, seq: int, p: dict) -> MetricDestination:
        state = MetricDestination(p["Destination"], p.get("DestinationArn") or None,
                                  app_monitor_name=p["AppMonitorName"])
        for definition_id, body, key in conn.execute(
                "SELECT id, body, key FROM definitions WHERE destination_seq = ? "
                "ORDER BY position", (seq,)):
            state._definitions[definition_id] = json.loads(body)
            state._keys[key] = definition_id
        return state

    def _save(self, conn: sqlite3.Connection, seq: int, before: dict,
              state: MetricDestination) -> None:
        """Write what an operation changed in ``state`` (``before``: id -> definition)."""
        after = {d.pop("MetricDefinitionId"): d for d in state.definitions()}
        keys = {i: key for key, i in state.keys().items()}
        gone = [(i,) for i in before if i not in after]
        conn.executemany("DELETE FROM definitions WHERE id = ?", gone)
        top = conn.execute("SELECT COALESCE(MAX(position), 0) FROM definitions WHERE "
                           "destination_seq = ?", (seq,)).fetchone()[0]
        for definition_id, definition in after.items():
            if before.get(definition_id) == definition:
                continue
            body, key = json.dumps(definition), keys[definition_id]
            if definition_id in before:
                conn.execute("UPDATE definitions SET body = ?, key = ? WHERE id = ?",
                             (body, key, definition_id))
            else:
                top += 1
                conn.execute("INSERT INTO definitions (id, destination_seq, position, body, "
                             "key) VALUES (?, ?, ?, ?, ?)", (definition_id, seq, top, body, key))

    def _definitions_call(self, p: dict, operation: Callable) -> dict:
        with self.store.write() as conn:
            seq = self._destination_seq(conn, p)
            state = self._load(conn, seq, p)
            before = {d.pop("MetricDefinitionId"): d for d in state.definitions()}
            response = operation(p, state)
            self._save(conn, seq, before, state)
            return response

    def batch_create_rum_metric_definitions(self, p: dict) -> dict:
        return self._definitions_call(p, batch_create)

    def update_rum_metric_definition(self, p: dict) -> dict:
        return self._definitions_call(p, update_definition)

    def batch_delete_rum_metric_definitions(self, p: dict) -> dict:
        return self._definitions_call(p, batch_delete)

    def batch_get_rum_metric_definitions(self, p: dict) -> dict:
        limit, after = _paging("BatchGetRumMetricDefinitions", p)
        with self.store.read() as conn:
            seq = self._destination_seq(conn, p)
            rows = conn.execute("SELECT position, id, body FROM definitions WHERE "
                                "destination_seq = ? AND position > ? ORDER BY position "
                                "LIMIT ?", (seq, after or 0, limit + 1)).fetchall()
        rows, token = _page(rows, limit, "BatchGetRumMetricDefinitions", lambda r: r[0])
        return {"MetricDefinitions": [{"MetricDefinitionId": i, **json.loads(b)}
                                      for _, i, b in rows], **token}

    # -- events --------------------------------------------------------------------------
    def put_rum_events(self, p: dict) -> dict:
        app_id = p.pop("Id")
        with self.store.write() as conn:
            row = conn.execute("SELECT body FROM app_monitors WHERE id = ?",
                               (app_id,)).fetchone()
            if row is None:
                raise _not_found("AppMonitor", app_id, f"AppMonitor with id {app_id} does "
                                                       f"not exist")
            monitor = json.loads(row[0])
            result = ingest_batch(p, app_monitor_name=monitor["Name"],
                                  account_id=self.account_id)
            custom = monitor.get("CustomEvents", {}).get("Status") == "ENABLED"
            conn.executemany(
                "INSERT INTO events (app_monitor_id, timestamp, batch_id, body) "
                "VALUES (?, ?, ?, ?)",
                [(app_id, d["event_timestamp"], p["BatchId"], json.dumps(d))
                 for d in result.documents
                 if custom or str(d.get("event_type", "")).startswith("com.amazon.rum.")])
        return {}

    def get_app_monitor_data(self, p: dict) -> dict:
        limit, after = _paging("GetAppMonitorData", p)
        time_range = p["TimeRange"]
        start, end = time_range["After"], time_range.get("Before")
        if end is not None and end < start:
            raise _invalid("TimeRange.Before must not be earlier than TimeRange.After",
                           "TimeRange.Before")
        keep = _event_filter(p.get("Filters") or [])
        out: list[tuple[int, str]] = []
        with self.store.read() as conn:
            monitor = self._monitor(conn, p["Name"])
            sql = ("SELECT seq, body FROM events WHERE app_monitor_id = ? AND timestamp >= ? "
                   "AND seq > ?" + (" AND timestamp <= ?" if end is not None else "") +
                   " ORDER BY seq")
            args: tuple = (monitor["Id"], start, after or 0) + ((end,) if end is not None
                                                                else ())
            for seq, body in conn.execute(sql, args):
                if keep(json.loads(body)):
                    out.append((seq, body))
                    if len(out) > limit:
                        break
        rows, token = _page(out, limit, "GetAppMonitorData", lambda r: r[0])
        return {"Events": [body for _, body in rows], **token}


def _value(document: Mapping, path: Iterable[str]) -> Any:
    value: Any = document
    for part in path:
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _event_filter(filters: list[Mapping]) -> Callable[[Mapping], bool]:
    """A predicate over stored documents: every filter holds (one of its values equals the
    document's field); ``Invert`` filters hold when none of their values equals any field."""
    include: list[tuple[tuple[str, ...], frozenset]] = []
    exclude: set[str] = set()
    for i, f in enumerate(filters):
        name, values = f.get("Name"), f.get("Values") or []
        if name == INVERT:
            exclude.update(values)
        elif name in FILTER_FIELDS:
            include.append((FILTER_FIELDS[name], frozenset(values)))
        else:
            raise _invalid(f"Filters[{i}].Name {name!r} is not one of "
                           f"{' | '.join([*FILTER_FIELDS, INVERT])}", f"Filters[{i}].Name")

    def keep(document: Mapping) -> bool:
        for path, values in include:
            if _value(document, path) not in values:
                return False
        if exclude:
            for path in FILTER_FIELDS.values():
                v = _value(document, path)
                if isinstance(v, str) and v in exclude:
                    return False
        return True

    return keep


# API name -> method; the method names are the API names in snake case.
OPERATIONS: dict[str, Callable[[RumService, dict], dict]] = {
    "".join(w[:1].upper() + w[1:] for w in name.split("_")): getattr(RumService, name)
    for name in vars(RumService) if not name.startswith("_") and name != "call"
}
