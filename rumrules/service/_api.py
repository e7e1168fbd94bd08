"""BatchCreateRumMetricDefinitions, UpdateRumMetricDefinition and
BatchDeleteRumMetricDefinitions, offline: the API's request checks and response shapes over
a :class:`MetricDestination`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Diagnostic, RequestError, Severity, render_path, shown
from ..rules import analyse, detached
from ._destination import MetricDestination

__all__ = ["batch_create", "update_definition", "batch_delete"]

# Rule code -> the API error code a definition that breaks it gets.
_ERROR_CODES = {"RUM507": "ServiceQuotaExceededException", "RUM508": "ConflictException"}


def _field(path: tuple) -> str:
    text = render_path(path)
    return text[2:] if text.startswith("$.") else text[1:]


def _errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity is Severity.ERROR]


def _raise_first(diags: list[Diagnostic]) -> None:
    errors = _errors(diags)
    if errors:
        first = errors[0]
        raise RequestError(first.message, field=_field(first.path), code="ValidationException",
                           hint=first.hint)


def _require_mapping(request: Any, operation: str) -> dict:
    """The request as a copy of plain values (read once: what is checked is what is
    applied, and nothing the caller holds is kept)."""
    if not isinstance(request, Mapping):
        raise RequestError(f"a {operation} request is a JSON object, not "
                           f"{type(request).__name__}")
    return detached(request)


def _require_state(state: Any) -> None:
    if state is not None and not isinstance(state, MetricDestination):
        raise TypeError(f"destination_state must be a MetricDestination or None, not "
                        f"{type(state).__name__}")


def _state(request: Mapping, state: MetricDestination | None) -> MetricDestination:
    """The destination to act on: ``state``, checked against the request, or a new one.

    A request for another app monitor or destination than the one ``state`` holds is what
    the service answers with ``ResourceNotFoundException`` (that app monitor has no such
    destination): a :class:`~rumrules.RequestError` naming the member that differs."""
    dest, arn = request.get("Destination"), request.get("DestinationArn") or None
    name = request.get("AppMonitorName")
    if state is None:
        return MetricDestination(dest, arn, app_monitor_name=name)
    if state.app_monitor_name is not None and state.app_monitor_name != name:
        raise RequestError(f"app monitor {shown(name)} is not the one this destination belongs to "
                           f"({state.app_monitor_name!r})", field="AppMonitorName",
                           code="ResourceNotFoundException")
    if state.destination != dest:
        raise RequestError(f"destination {shown(dest)} not found: destination_state is "
                           f"{state!r}", field="Destination", code="ResourceNotFoundException")
    if (state.destination_arn or None) != arn:
        raise RequestError(f"destination {shown(dest)} with DestinationArn {shown(arn)} not found: "
                           f"destination_state is {state!r}", field="DestinationArn",
                           code="ResourceNotFoundException")
    return state


def _message(errors: list[Diagnostic]) -> str:
    return "; ".join(d.message for d in errors)


def batch_create(request: Mapping, destination_state: MetricDestination | None = None) -> dict:
    """BatchCreateRumMetricDefinitions: check the request, create the valid definitions in
    ``destination_state`` (a new, empty :class:`MetricDestination` when ``None``), and return
    the API's response::

        {"Errors": [{"ErrorCode", "ErrorMessage", "MetricDefinition"}, ...],
         "MetricDefinitions": [{"MetricDefinitionId", ...the definition...}, ...]}

    Partial success: each valid definition is created; each invalid one is in ``Errors``
    with ``ValidationException`` (every error finding, joined), a copy of a definition already
    there or earlier in the batch with ``ConflictException``, one that does not fit the 2000
    per destination with ``ServiceQuotaExceededException``.  A definition with warnings only
    is created.  A request that is invalid as a whole (AppMonitorName, Destination,
    DestinationArn, MetricDefinitions missing or over 200, unknown members) raises
    :class:`~rumrules.RequestError` and changes nothing, as does a request for another app
    monitor or destination than ``destination_state``'s (``ResourceNotFoundException``,
    ``field`` naming the member).  ``TypeError`` when ``destination_state`` is neither
    ``None`` nor a :class:`MetricDestination`.
    """
    _require_state(destination_state)
    request = _require_mapping(request, "BatchCreateRumMetricDefinitions")
    state = destination_state
    lock = state.lock if state is not None else None
    if lock is not None:
        lock.acquire()
    try:
        known = state.keys() if state is not None else None
        a = analyse(request, kind="create", existing=len(state) if state is not None else 0,
                    known=known,
                    capacity=state.capacity if state is not None else 2000)
        _raise_first(a.request)
        state = _state(request, state)
        created, failed = [], []
        for _, definition, diags in a.items:
            errors = _errors(diags)
            if errors:
                codes = {_ERROR_CODES.get(d.code, "ValidationException") for d in errors}
                code = codes.pop() if len(codes) == 1 else "ValidationException"
                failed.append({"ErrorCode": code, "ErrorMessage": _message(errors),
                               "MetricDefinition": _echo(definition)})
            else:
                definition_id = state.add(definition)
                created.append({"MetricDefinitionId": definition_id, **_echo(definition)})
        return {"Errors": failed, "MetricDefinitions": created}
    finally:
        if lock is not None:
            lock.release()


def _echo(definition: Any) -> Any:
    if isinstance(definition, Mapping):
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in definition.items()
                if v is not None}
    return definition


def update_definition(request: Mapping,
                      destination_state: MetricDestination | None = None) -> dict:
    """UpdateRumMetricDefinition: replace the definition ``MetricDefinitionId`` of
    ``destination_state`` with ``MetricDefinition`` and return the API's (empty) response
    ``{}``.

    Raise :class:`~rumrules.RequestError`: ``ValidationException`` for an invalid request or
    definition (``field`` names the member, e.g. ``MetricDefinition.EventPattern``),
    ``ResourceNotFoundException`` for an id the destination does not hold (always, when
    ``destination_state`` is ``None``) or an app monitor or destination other than
    ``destination_state``'s, ``ConflictException`` when another definition of the
    destination is identical to the new one.  ``TypeError`` when ``destination_state`` is
    neither ``None`` nor a :class:`MetricDestination`.
    """
    _require_state(destination_state)
    request = _require_mapping(request, "UpdateRumMetricDefinition")
    a = analyse(request, kind="update")
    _raise_first(a.request)
    for _, _, diags in a.items:
        errors = _errors(diags)
        if errors:
            raise RequestError(_message(errors), field=_field(errors[0].path),
                               hint=errors[0].hint)
    state = _state(request, destination_state)
    definition_id = request["MetricDefinitionId"]
    definition = request["MetricDefinition"]
    with state.lock:
        if definition_id not in state:
            raise RequestError(f"no metric definition {shown(definition_id)} in this destination",
                               field="MetricDefinitionId", code="ResourceNotFoundException")
        other = state.find(definition)
        if other is not None and other != definition_id:
            raise RequestError(f"the new definition is identical to metric definition {other}",
                               field="MetricDefinition", code="ConflictException")
        state.replace(definition_id, _echo(definition))
    return {}


def batch_delete(request: Mapping, destination_state: MetricDestination | None = None) -> dict:
    """BatchDeleteRumMetricDefinitions: delete ``MetricDefinitionIds`` from
    ``destination_state`` and return the API's response::

        {"Errors": [{"MetricDefinitionId", "ErrorCode", "ErrorMessage"}, ...],
         "MetricDefinitionIds": [...deleted ids...]}

    Partial success: an id that is not 1-255 characters fails with ``ValidationException``,
    one the destination does not hold (or already deleted earlier in the list) with
    ``ResourceNotFoundException``; the others are deleted.  An invalid request, or one for
    another app monitor or destination than ``destination_state``'s, raises
    :class:`~rumrules.RequestError`; ``TypeError`` when ``destination_state`` is neither
    ``None`` nor a :class:`MetricDestination`.
    """
    _require_state(destination_state)
    request = _require_mapping(request, "BatchDeleteRumMetricDefinitions")
    a = analyse(request, kind="delete")
    per_id = {d.path[1]: d for d in a.request
              if d.code == "RUM510" and len(d.path) == 2}
    _raise_first([d for d in a.request if d.code != "RUM510" or len(d.path) != 2])
    state = _state(request, destination_state)
    deleted, failed = [], []
    with state.lock:
        for i, definition_id in enumerate(request["MetricDefinitionIds"]):
            if i in per_id:
                failed.append({"MetricDefinitionId": definition_id,
                               "ErrorCode": "ValidationException",
                               "ErrorMessage": per_id[i].message})
            elif state.remove(definition_id):
                deleted.append(definition_id)
            else:
                failed.append({"MetricDefinitionId": definition_id,
                               "ErrorCode": "ResourceNotFoundException",
                               "ErrorMessage": f"no metric definition {shown(definition_id)} in "
                                               f"this destination"})
    return {"Errors": failed, "MetricDefinitionIds": deleted}
