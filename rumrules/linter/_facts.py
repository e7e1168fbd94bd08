"""A document read by :mod:`.sources` as the facts that the RUM6xx rules look at
(:class:`rumrules.rules.DocumentFacts`): its app monitors, the definitions and SDK calls sent
to them, and every value that could not be checked."""

from __future__ import annotations

from typing import Any

from ..rules import (CallFacts, DefinitionFacts, DestinationFacts, DocumentFacts,
                     LogReaderFacts, MonitorFacts, UncheckedFacts)

__all__ = ["document_facts", "NOT_CHECKED"]

#: The code of the "not checked" finding.
NOT_CHECKED = "RUM601"


def _definition_label(definition: Any) -> str:
    name = definition.name
    return f"definition {name!r}" if isinstance(name, str) else f"definition #{definition.index + 1}"


def document_facts(doc: Any) -> DocumentFacts:
    """The :class:`~rumrules.rules.DocumentFacts` of one :class:`~.sources.Document`."""
    facts = DocumentFacts()
    for m in doc.monitors:
        facts.monitors.append(MonitorFacts(
            logical_id=m["logical_id"], path=m["path"], name=m["name"],
            custom_events=m["custom_events"], telemetries=m["telemetries"],
            destinations=[DestinationFacts(**d) for d in m["destinations"]],
            cw_log_enabled=m["cw_log_enabled"]))
    facts.created_destinations = set(doc.created_destinations)
    facts.log_readers = [LogReaderFacts(**r) for r in doc.log_readers]
    seen: set[tuple[Any, ...]] = set()

    def unchecked(path: tuple[Any, ...], what: str, reason: str) -> None:
        key = (tuple(path), reason)
        if key not in seen:
            seen.add(key)
            facts.unchecked.append(UncheckedFacts(tuple(path), what, reason))

    for path, what, reason in doc.unchecked:
        unchecked(path, what[:1].upper() + what[1:], reason)
    for source in doc.requests:
        for subpath, reason in source.unresolved:
            unchecked(source.full_path(subpath), str(subpath[0]), reason)
        if source.caller is not None and source.kind in ("batch-create", "update"):
            facts.calls.append(CallFacts(path=source.path, monitor=source.monitor,
                                         destination=source.destination,
                                         logical_id=source.caller))
        for definition in source.definitions:
            for subpath, reason in definition.unresolved:
                member = ".".join(str(p) for p in subpath)
                unchecked(definition.full_path(subpath),
                          f"{member} of {_definition_label(definition)}", reason)
            facts.definitions.append(DefinitionFacts(
                definition=definition.definition, path=definition.full_path,
                monitor=source.monitor, destination=source.destination,
                via=source.caller or "AppMonitor"))
    return facts
