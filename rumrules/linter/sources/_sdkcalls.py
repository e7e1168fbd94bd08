"""SDK calls written in a template: CDK's ``AwsCustomResource`` (``Custom::AWS``) and
hand-written custom resources whose ``Create``/``Update``/``Delete`` property is
``{"service": ..., "action": ..., "parameters": {...}}``.

CDK v2 writes the call as a JSON string, and as ``Fn::Join`` of JSON text and tokens when a
parameter holds one (``JSON.stringify`` of a ``Ref``); CDK v1 and hand-written templates write
it as a mapping.  :func:`call_text` turns the string forms into one JSON text with the file
offset of each character; a piece that cannot be resolved becomes a *hole*, which
:func:`restore_holes` puts back into the parsed value as the intrinsic function it was (so
that it is reported as not checked, like any other intrinsic function).
"""

from __future__ import annotations

from typing import Any

from ._intrinsics import MAX_TEXT, Resolver, Unresolved, sub_keeping_placeholders
from ._nodes import MAP, Node, child_of, is_intrinsic

__all__ = ["RUM_ACTIONS", "rum_action", "call_member", "call_text", "restore_holes",
           "CALL_PHASES", "HOLE"]

#: The properties of a custom resource that hold an SDK call, by lifecycle phase.
CALL_PHASES = ("Create", "Update", "Delete")

#: The RUM actions read (lower-cased, ``Command`` suffix removed) -> the request kind: those
#: that carry metric definitions, and the one that creates a metric destination.
RUM_ACTIONS = {"batchcreaterummetricdefinitions": "batch-create",
               "updaterummetricdefinition": "update",
               "batchdeleterummetricdefinitions": "delete",
               "putrummetricsdestination": "put-destination"}

_SERVICES = {"rum", "cloudwatchrum", "@aws-sdk/client-rum", "client-rum"}
#: The private-use character that opens the mark of a hole in the text (a finding about a
#: value with a hole points at it).
HOLE = "\ue000"
_HOLE_OPEN, _HOLE_CLOSE = HOLE, "\ue001"


def call_member(call: dict[str, Any], name: str) -> str:
    """The key of member ``name`` (``service``, ``action``, ``parameters``) of an SDK call
    mapping, in whatever case it is written (hand-written resources write ``Service``...)."""
    if name in call:
        return name
    return next((k for k in call if isinstance(k, str) and k.lower() == name), name)


def rum_action(call: Any) -> str | None:
    """The request kind of an SDK call mapping that calls a RUM metric-definition action,
    else ``None``."""
    if not isinstance(call, dict):
        return None
    service, action = call.get(call_member(call, "service")), call.get(call_member(call, "action"))
    if not isinstance(service, str) or service.strip().lower() not in _SERVICES:
        return None
    if not isinstance(action, str):
        return None
    action = action.strip()
    if action.endswith("Command"):
        action = action[:-len("Command")]
    return RUM_ACTIONS.get(action.lower())


def _in_string_after(text: str, in_string: bool) -> bool:
    """Whether a JSON text that starts inside a string (or not) ends inside one."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if in_string and c == "\\":
            i += 2
            continue
        if c == '"':
            in_string = not in_string
        i += 1
    return in_string


def call_text(resolver: Resolver, value: Any,
              node: Node | None) -> tuple[str, list[int], list[Any]] | None:
    """The JSON text of an SDK call written as a string, ``Fn::Join`` or ``Fn::Sub``:
    ``(text, offsets, holes)`` -- ``offsets`` has one file offset per character and one for
    the end; ``holes`` the original value of each piece that did not resolve.  ``None``
    when ``value`` is none of these forms."""
    start = node.start if node is not None else 0
    if isinstance(value, str):
        offsets = resolver.offsets(value, node) or [start] * len(value)
        return value, offsets + [offsets[-1] + 1 if offsets else start], []
    if not is_intrinsic(value):
        return None
    (key, arg), = value.items()
    child = node.child(key) if node is not None and node.kind == MAP else None
    if key == "Fn::Sub":
        try:
            alts = sub_keeping_placeholders(resolver, arg, child, node)
        except Unresolved:
            return None
        if len(alts) != 1:
            return None
        got = alts[0]
        return got.value, got.offsets + [got.offsets[-1] + 1 if got.offsets else start], []
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 \
            and isinstance(arg[0], str) and isinstance(arg[1], list):
        pieces = arg[1]
        lnode = child_of(child, 1)
        dnode = child_of(child, 0)
        delim_offsets = resolver.offsets(arg[0], dnode) or [start] * len(arg[0])
    else:
        pieces, lnode, dnode, delim_offsets = [value], None, None, []
        arg = ["", pieces]
    text: list[str] = []
    offsets: list[int] = []
    holes: list[Any] = []
    in_string = False
    for k, piece in enumerate(pieces):
        pnode = lnode.child(k) if lnode is not None else (node if pieces == [value] else None)
        if k:
            text.append(arg[0])
            offsets += delim_offsets
            in_string = _in_string_after(arg[0], in_string)
        at = pnode.start if pnode is not None else start
        try:
            alt = resolver.resolve_one(piece, pnode)
            if isinstance(alt.value, bool) or not isinstance(alt.value, (str, int, float)):
                raise Unresolved("not a string")
            got = str(alt.value)
            got_offsets = alt.offsets if alt.offsets and len(alt.offsets) == len(got) \
                else [at] * len(got)
        except Unresolved:
            got = f"{_HOLE_OPEN}{len(holes)}{_HOLE_CLOSE}"
            if not in_string:
                got = f'"{got}"'
            holes.append(piece)
            got_offsets = [at] * len(got)
        text.append(got)
        offsets += got_offsets
        if len(offsets) > MAX_TEXT:
            return None
        in_string = _in_string_after(got, in_string)
    end = offsets[-1] + 1 if offsets else start
    return "".join(text), offsets + [end], holes


def restore_holes(value: Any, holes: list[Any]) -> Any:
    """``value`` (parsed from :func:`call_text`'s text) with every string that holds a hole
    replaced by the intrinsic function it came from (an ``Fn::Join`` of the text around it
    when the hole is only part of the string).  Iterative."""
    if not holes:
        return value

    def fix(v: Any) -> Any:
        if not isinstance(v, str) or _HOLE_OPEN not in v:
            return v
        parts: list[Any] = []
        rest = v
        while _HOLE_OPEN in rest:
            before, _, after = rest.partition(_HOLE_OPEN)
            index, _, rest = after.partition(_HOLE_CLOSE)
            if before:
                parts.append(before)
            try:
                parts.append(holes[int(index)])
            except (ValueError, IndexError):
                parts.append(before)
        if rest:
            parts.append(rest)
        return parts[0] if len(parts) == 1 else {"Fn::Join": ["", parts]}

    root = [value]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        keys = container.keys() if isinstance(container, dict) else range(len(container))
        for k in list(keys):
            item = container[k]
            if isinstance(item, (dict, list)):
                stack.append(item)
            else:
                container[k] = fix(item)
    return root[0]
