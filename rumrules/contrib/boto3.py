"""A guard for boto3/botocore ``rum`` clients: bad metric definitions and PutRumEvents
requests are refused before anything is sent.

::

    import boto3
    from rumrules.contrib.boto3 import install, GuardError

    rum = boto3.client("rum", region_name="us-east-1")
    install(rum)                  # or install(boto3.Session()) for every rum client it makes
    try:
        rum.batch_create_rum_metric_definitions(AppMonitorName="shop", Destination="CloudWatch",
                                                MetricDefinitions=[...])
    except GuardError as e:       # also a botocore ParamValidationError and a RumRulesError
        print(e.diagnostics)

``install`` registers handlers on botocore's ``provide-client-params`` events of the ``rum``
service, which run before botocore validates, serializes, signs or sends anything:

* ``BatchCreateRumMetricDefinitions`` and ``UpdateRumMetricDefinition``: the request is
  checked as ``rumrules check`` checks a request file; findings at ``fail_on`` severity or
  above (default ``error``) refuse the call.  (The service would have answered with
  ``Errors[]`` entries, which CDK's ``AwsCustomResource`` does not surface.)
* ``PutRumEvents``: the request is validated as the service validates it
  (:func:`rumrules.ingest_batch`); a request the service would refuse is refused here.

The error, :class:`GuardError`, is both a :class:`rumrules.RumRulesError` and botocore's
``ParamValidationError``, so code that already catches botocore's validation errors catches it.
Needs botocore (installed with boto3).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ParamValidationError

from ..errors import RumRulesError
from ..linter import FAIL_ON

__all__ = ["install", "uninstall", "GuardError", "GUARDED"]

#: The operations the guard checks.
GUARDED = ("BatchCreateRumMetricDefinitions", "UpdateRumMetricDefinition", "PutRumEvents")


class GuardError(RumRulesError, ParamValidationError):
    """A ``rum`` call refused before it was sent.

    ``operation`` is the API operation (``BatchCreateRumMetricDefinitions``...),
    ``diagnostics`` the findings that refused it (:class:`~rumrules.Diagnostic`; empty for a
    PutRumEvents request, whose reason is in ``message`` and ``field``).  ``str()`` reads as
    botocore's ``Parameter validation failed:`` followed by one line per finding.
    """

    def __init__(self, operation: str, report: str, diagnostics: list | None = None,
                 field: str | None = None) -> None:
        ParamValidationError.__init__(self, report=report)  # botocore's message and kwargs
        # RumRulesError's data, set here: its __init__ would call BotoCoreError's with text
        self.message = f"Parameter validation failed:\n{report}"
        self.line = self.column = self.hint = None
        self.operation = operation
        self.diagnostics = list(diagnostics or [])
        self.field = field


def _check_definitions(params: dict[str, Any], fail_on: tuple[str, ...]) -> list:
    from ..rules import check_definitions

    return [d for d in check_definitions(dict(params)) if str(d.severity) in fail_on]


def _handler(fail_on: tuple[str, ...]):
    def check(params: dict[str, Any], model: Any = None, **_: Any) -> None:
        operation = getattr(model, "name", None) or "?"
        if operation == "PutRumEvents":
            from ..errors import RequestError
            from ..ingestion import ingest_batch

            try:
                ingest_batch(dict(params))
            except RequestError as e:
                raise GuardError(operation, f"{operation}: {e}", field=e.field) from None
            return
        found = _check_definitions(params, fail_on)
        if found:
            report = "\n".join(f"{d.code} {d.json_path}: {d.message}" for d in found)
            raise GuardError(operation, report, found)
    return check


def _events(target: Any) -> Any:
    meta = getattr(target, "meta", None)
    if meta is not None and hasattr(meta, "events"):  # a client
        service = getattr(getattr(meta, "service_model", None), "service_name", None)
        if service != "rum":
            raise RumRulesError(f"install() takes a rum client or a session, not a "
                                f"{service!r} client")
        return meta.events
    events = getattr(target, "events", None)  # boto3.Session
    if events is not None and hasattr(events, "register"):
        return events
    if hasattr(target, "register") and hasattr(target, "unregister"):  # botocore Session
        return target
    raise RumRulesError(f"install() takes a boto3/botocore rum client or session, not "
                        f"{type(target).__name__}")


def install(client_or_session: Any, *, fail_on: str = "error") -> Any:
    """Guard ``client_or_session``: a ``rum`` client, or a boto3/botocore session (then
    every ``rum`` client it creates afterwards).  ``fail_on`` (``error``, ``warning``,
    ``note``) is the lowest severity of a metric-definition finding that refuses a call.
    Installing twice replaces the first guard.  Returns ``client_or_session``.  A
    :class:`~rumrules.RumRulesError` for anything else, or an unknown ``fail_on``."""
    if fail_on not in FAIL_ON:
        raise RumRulesError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    events = _events(client_or_session)
    handler = _handler(FAIL_ON[fail_on])
    for operation in GUARDED:
        event = f"provide-client-params.rum.{operation}"
        events.unregister(event, unique_id=f"rumrules-guard-{operation}")
        events.register(event, handler, unique_id=f"rumrules-guard-{operation}")
    return client_or_session


def uninstall(client_or_session: Any) -> Any:
    """Remove the guard :func:`install` put on ``client_or_session``."""
    events = _events(client_or_session)
    for operation in GUARDED:
        events.unregister(f"provide-client-params.rum.{operation}",
                          unique_id=f"rumrules-guard-{operation}")
    return client_or_session
