"""Static resolution of CloudFormation intrinsic functions, with positions.

What a template gives without deploying it is resolved; everything else is refused with the
reason, so that the caller can say which field was not checked and why:

* ``Ref`` to a template parameter with a ``Default`` -> the default (a ``CommaDelimitedList``
  or ``List<...>`` default is split at commas); ``Ref`` to an ``AWS::RUM::AppMonitor`` of the
  template -> its ``Name`` (what ``Ref`` returns for that type); ``Ref AWS::NoValue`` -> the
  member is absent.  Other resources, pseudo parameters (``AWS::Region``...) and parameters
  without a default are known at deploy time only.
* ``Fn::Join`` and ``Fn::Sub`` of pieces that resolve; ``Fn::Sub`` placeholders from its own
  variables, from parameters with a default, and ``${!Literal}``.
* ``Fn::If``: both branches, as two alternatives (every alternative is checked).
* ``Fn::Select`` and ``Fn::Split`` of pieces that resolve; ``Fn::FindInMap`` with keys that
  resolve, from the template's ``Mappings``.
* ``Fn::GetAtt``, ``Fn::ImportValue``, ``Fn::Base64``, ``Fn::GetAZs``, ``Fn::Cidr``,
  ``Fn::Transform``, ``Fn::ToJsonString``, ``Fn::Length`` and anything else: not resolved.

A resolved string carries the file offset of each of its characters (:class:`Alt`): a
character of a literal piece maps to where it is written, a character that comes from a
parameter's default maps to the ``Ref``.  Alternatives are capped (:data:`MAX_ALTERNATIVES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._derive import MAX_SERIALIZED
from ._nodes import MAP, SCALAR, Node, child_of, is_intrinsic
from ._scalars import char_offsets
from ._text import LineMap

__all__ = ["Resolver", "Alt", "Unresolved", "NO_VALUE", "MAX_ALTERNATIVES", "MAX_TEXT",
           "describe", "sub_keeping_placeholders"]

#: More ``Fn::If`` combinations than this in one value are not followed.
MAX_ALTERNATIVES = 16
#: Resolved strings longer than this are refused (the cap of every derived EventPattern text;
#: the API takes 4000 characters): references to a long default cannot make the text grow
#: faster than the file.
MAX_TEXT = MAX_SERIALIZED

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_PSEUDO = ("AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region",
           "AWS::StackId", "AWS::StackName", "AWS::URLSuffix")
_APP_MONITOR = "AWS::RUM::AppMonitor"


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


#: The value of ``Ref AWS::NoValue``: the member it stands for is absent.
NO_VALUE: Any = _NoValue()


class Unresolved(Exception):
    """A value that only deployment knows; ``reason`` says why, in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Alt:
    """One way a value resolves: the plain ``value``; for a string, ``offsets`` (the file
    offset of each character, or ``None``); ``how`` the functions resolved on the way
    (``"Fn::Join"``, ``"Ref AppName (Default)"``...); ``where`` the path (below the value) of
    the branch it comes from (``("Fn::If", 1)``), for placing findings."""

    value: Any
    offsets: list[int] | None = None
    how: tuple[str, ...] = ()
    where: tuple[Any, ...] = ()


def describe(value: Any) -> str:
    """A short form of an intrinsic function for messages (``Fn::GetAtt Monitor.Arn``)."""
    if not is_intrinsic(value):
        return type(value).__name__
    (key, arg), = value.items()
    if key == "Ref" and isinstance(arg, str):
        return f"Ref {arg}"
    if key == "Fn::GetAtt" and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
        return f"Fn::GetAtt {'.'.join(arg)}"
    if key == "Fn::ImportValue" and isinstance(arg, str):
        return f"Fn::ImportValue {arg}"
    return key


@dataclass
class Resolver:
    """Resolves values of one template (``template`` is its parsed value)."""

    template: Any
    text: str
    lines: LineMap
    _cache: dict[int, list[int] | None] = field(default_factory=dict, repr=False)

    @property
    def parameters(self) -> dict[str, Any]:
        p = self.template.get("Parameters") if isinstance(self.template, dict) else None
        return p if isinstance(p, dict) else {}

    @property
    def resources(self) -> dict[str, Any]:
        r = self.template.get("Resources") if isinstance(self.template, dict) else None
        return r if isinstance(r, dict) else {}

    # ---- offsets ------------------------------------------------------------------------
    def offsets(self, value: Any, node: Node | None) -> list[int] | None:
        """The file offset of each character of a literal string at ``node``."""
        if not isinstance(value, str) or node is None:
            return None
        if node.kind != SCALAR:
            return [node.start] * len(value)
        key = node.start  # one scalar a place (a node may be made again: not its id)
        if key not in self._cache:
            self._cache[key] = char_offsets(self.text, node, self.lines)
        got = self._cache[key]
        if got is None or len(got) != len(value):
            return [node.start] * len(value)
        return got

    # ---- resolution ---------------------------------------------------------------------
    def resolve(self, value: Any, node: Node | None, depth: int = 0) -> list[Alt]:
        """Every way ``value`` (at ``node``) resolves; raises :class:`Unresolved`.  A value
        that is no intrinsic function is itself (mappings and lists are not entered)."""
        if depth > 20:
            raise Unresolved("intrinsic functions nest too deeply to follow")
        if not is_intrinsic(value):
            return [Alt(value, self.offsets(value, node))]
        (key, arg), = value.items()
        child = node.child(key) if node is not None and node.kind == MAP else None
        handler = _HANDLERS.get(key)
        if handler is None:
            raise Unresolved(f"{describe(value)} is only known at deploy time")
        alts = handler(self, arg, child, node, depth + 1)
        if len(alts) > MAX_ALTERNATIVES:
            raise Unresolved(f"more than {MAX_ALTERNATIVES} Fn::If combinations")
        return alts

    def resolve_one(self, value: Any, node: Node | None, depth: int = 0) -> Alt:
        """Like :meth:`resolve`, for places where one value is needed (an index, a
        delimiter, a mapping key): an ``Fn::If`` there is refused."""
        alts = self.resolve(value, node, depth)
        if len(alts) != 1:
            raise Unresolved("an Fn::If where one value is needed")
        return alts[0]

    def strings(self, value: Any, node: Node | None, depth: int, what: str) -> list[Alt]:
        out = []
        for alt in self.resolve(value, node, depth):
            v = alt.value
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise Unresolved(f"{what} is not a string")
            if not isinstance(v, str):
                v = str(v)
                alt = Alt(v, [node.start if node else 0] * len(v), alt.how, alt.where)
            out.append(alt)
        return out

    def items(self, value: Any, node: Node | None, depth: int, what: str) -> list[Alt]:
        """Alternatives whose value is a list of :class:`Alt` (one per item)."""
        if isinstance(value, list):
            combos: list[tuple[list[Alt], tuple[str, ...]]] = [([], ())]
            for i, item in enumerate(value):
                inner = child_of(node, i)
                alts = self.resolve(item, inner, depth)
                combos = [(done + [a], how + a.how) for done, how in combos for a in alts]
                if len(combos) > MAX_ALTERNATIVES:
                    raise Unresolved(f"more than {MAX_ALTERNATIVES} Fn::If combinations")
            return [Alt(items, None, how) for items, how in combos]
        out = []
        for alt in self.resolve(value, node, depth):
            if isinstance(alt.value, list) and all(isinstance(a, Alt) for a in alt.value):
                out.append(alt)
            elif isinstance(alt.value, list):
                start = node.start if node is not None else 0
                out.append(Alt([Alt(v, [start] * len(v) if isinstance(v, str) else None)
                                for v in alt.value], None, alt.how, alt.where))
            else:
                raise Unresolved(f"{what} is not a list")
        return out


def _ref(r: Resolver, arg: Any, child: Node | None, node: Node | None, depth: int) -> list[Alt]:
    if not isinstance(arg, str):
        raise Unresolved("Ref takes a name")
    start = node.start if node is not None else 0
    if arg == "AWS::NoValue":
        return [Alt(NO_VALUE, None, ("Ref AWS::NoValue",))]
    if arg in _PSEUDO or arg.startswith("AWS::"):
        raise Unresolved(f"the pseudo parameter {arg} is only known at deploy time")
    param = r.parameters.get(arg)
    if isinstance(param, dict):
        if "Default" not in param:
            raise Unresolved(f"parameter {arg} has no Default")
        default = param["Default"]
        ptype = param.get("Type")
        how = (f"Ref {arg} (its Default)",)
        if isinstance(ptype, str) and (ptype == "CommaDelimitedList" or ptype.startswith("List<")) \
                and isinstance(default, str):
            parts = [p.strip() for p in default.split(",")]
            return [Alt([Alt(p, [start] * len(p)) for p in parts], None, how)]
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            default = str(default)  # parameters are strings (Type: Number too)
        if isinstance(default, str):
            return [Alt(default, [start] * len(default), how)]
        raise Unresolved(f"parameter {arg}'s Default is not a string")
    resource = r.resources.get(arg)
    if isinstance(resource, dict):
        if resource.get("Type") == _APP_MONITOR:
            props = resource.get("Properties")
            name = props.get("Name") if isinstance(props, dict) else None
            if name is not None:
                alts = r.resolve(name, None, depth)
                return [Alt(a.value, [start] * len(a.value) if isinstance(a.value, str)
                            else None, (f"Ref {arg} (the app monitor's Name)",) + a.how)
                        for a in alts]
        raise Unresolved(f"Ref {arg} (a {resource.get('Type', 'resource')}) is only known at "
                         f"deploy time")
    raise Unresolved(f"Ref {arg} names no parameter or resource of this template")


def _join(r: Resolver, arg: Any, child: Node | None, node: Node | None, depth: int) -> list[Alt]:
    if not isinstance(arg, list) or len(arg) != 2:
        raise Unresolved("Fn::Join takes [delimiter, [values]]")
    dnode = child_of(child, 0)
    lnode = child_of(child, 1)
    delim = r.resolve_one(arg[0], dnode, depth)
    if not isinstance(delim.value, str):
        raise Unresolved("the Fn::Join delimiter is not a string")
    out = []
    for combo in r.items(arg[1], lnode, depth, "the Fn::Join list"):
        text: list[str] = []
        offsets: list[int] = []
        how = ["Fn::Join", *combo.how]
        for k, piece in enumerate(combo.value):
            v = piece.value
            if v is NO_VALUE:
                continue
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise Unresolved("an Fn::Join piece is not a string")
            v = str(v)
            if k:
                text.append(delim.value)
                offsets += delim.offsets or [0] * len(delim.value)
            text.append(v)
            offsets += piece.offsets if piece.offsets and len(piece.offsets) == len(v) \
                else [node.start if node else 0] * len(v)
            how += piece.how
            if len(offsets) > MAX_TEXT:
                raise Unresolved("the joined text is too long")
        out.append(Alt("".join(text), offsets, _unique(how)))
    return out


def _sub(r: Resolver, arg: Any, child: Node | None, node: Node | None, depth: int,
         *, keep: bool = False) -> list[Alt]:
    variables: dict[str, tuple[Any, Node | None]] = {}
    tnode = child
    if isinstance(arg, list):
        if len(arg) != 2 or not isinstance(arg[1], dict):
            raise Unresolved("Fn::Sub takes a string or [string, {variables}]")
        tnode = child_of(child, 0)
        vnode = child_of(child, 1)
        for name, v in arg[1].items():
            variables[name] = (v, child_of(vnode, name))
        arg = arg[0]
    if not isinstance(arg, str):
        raise Unresolved("the Fn::Sub template is not a literal string")
    base = r.offsets(arg, tnode) or [0] * len(arg)
    results = [Alt("", [], ("Fn::Sub",))]
    pos = 0
    for m in _SUB_VAR.finditer(arg):
        name = m.group(1)
        lit, lit_off = arg[pos:m.start()], base[pos:m.start()]
        pos = m.end()
        if name.startswith("!"):  # ${!Literal} is the text ${Literal}
            pieces = [Alt("${" + name[1:] + "}", base[m.start():m.start() + 1] * (len(name) + 2))]
        else:
            try:
                pieces = _sub_var(r, name.strip(), variables, base[m.start()], depth)
            except Unresolved:
                if not keep:
                    raise
                pieces = [Alt(m.group(), base[m.start():m.end()])]
        results = [Alt(a.value + lit + p.value, a.offsets + lit_off + p.offsets,
                       _unique(a.how + p.how)) for a in results for p in pieces]
        if len(results) > MAX_ALTERNATIVES:
            raise Unresolved(f"more than {MAX_ALTERNATIVES} Fn::If combinations")
        if any(len(a.value) > MAX_TEXT for a in results):
            raise Unresolved("the substituted text is too long")
    return [Alt(a.value + arg[pos:], a.offsets + base[pos:], a.how) for a in results]


def _sub_var(r: Resolver, name: str, variables: dict, at: int, depth: int) -> list[Alt]:
    if name in variables:
        value, vnode = variables[name]
        alts = [Alt(a.value, a.offsets, (f"${{{name}}} from Fn::Sub's variables",) + a.how)
                for a in r.strings(value, vnode, depth, f"Fn::Sub variable {name}")]
    elif "." in name:
        raise Unresolved(f"${{{name}}} (an attribute) is only known at deploy time")
    else:
        alts = r.strings({"Ref": name}, None, depth, f"${{{name}}}")
    return [Alt(a.value, [at] * len(a.value), a.how) for a in alts]


def _if(r: Resolver, arg: Any, child: Node | None, node: Node | None, depth: int) -> list[Alt]:
    if not isinstance(arg, list) or len(arg) != 3:
        raise Unresolved("Fn::If takes [condition, value if true, value if false]")
    out = []
    for k in (1, 2):
        branch = child_of(child, k)
        for alt in r.resolve(arg[k], branch, depth):
            out.append(Alt(alt.value, alt.offsets, _unique(("Fn::If",) + alt.how),
                           ("Fn::If", k) + alt.where))
    return out


def _select(r: Resolver, arg: Any, child: Node | None, node: Node | None,
            depth: int) -> list[Alt]:
    if not isinstance(arg, list) or len(arg) != 2:
        raise Unresolved("Fn::Select takes [index, [values]]")
    index = r.resolve_one(arg[0], child_of(child, 0), depth).value
    try:
        index = int(index)
    except (TypeError, ValueError):
        raise Unresolved("the Fn::Select index is not a number") from None
    out = []
    for combo in r.items(arg[1], child_of(child, 1), depth,
                         "the Fn::Select list"):
        if not 0 <= index < len(combo.value):
            raise Unresolved(f"Fn::Select index {index} is outside the list")
        item = combo.value[index]
        out.append(Alt(item.value, item.offsets, _unique(("Fn::Select",) + combo.how + item.how)))
    return out


def _split(r: Resolver, arg: Any, child: Node | None, node: Node | None,
           depth: int) -> list[Alt]:
    if not isinstance(arg, list) or len(arg) != 2:
        raise Unresolved("Fn::Split takes [delimiter, string]")
    delim = r.resolve_one(arg[0], child_of(child, 0), depth).value
    if not isinstance(delim, str) or not delim:
        raise Unresolved("the Fn::Split delimiter is not a string")
    out = []
    for alt in r.strings(arg[1], child_of(child, 1), depth,
                         "the Fn::Split source"):
        items, pos = [], 0
        offsets = alt.offsets or [0] * len(alt.value)
        for part in alt.value.split(delim):
            items.append(Alt(part, offsets[pos:pos + len(part)]))
            pos += len(part) + len(delim)
        out.append(Alt(items, None, _unique(("Fn::Split",) + alt.how)))
    return out


def _find_in_map(r: Resolver, arg: Any, child: Node | None, node: Node | None,
                 depth: int) -> list[Alt]:
    if not isinstance(arg, list) or len(arg) != 3:
        raise Unresolved("Fn::FindInMap takes [map, key, key]")
    keys = [r.resolve_one(a, child_of(child, i), depth).value
            for i, a in enumerate(arg)]
    mappings = r.template.get("Mappings") if isinstance(r.template, dict) else None
    value: Any = mappings
    for k in keys:
        if not isinstance(value, dict) or not isinstance(k, str) or k not in value:
            raise Unresolved(f"Fn::FindInMap {'.'.join(map(str, keys))} is not in Mappings")
        value = value[k]
    if is_intrinsic(value):
        raise Unresolved("the mapping holds an intrinsic function")
    start = node.start if node is not None else 0
    how = (f"Fn::FindInMap {'.'.join(keys)}",)
    if isinstance(value, list):
        return [Alt([Alt(v, [start] * len(v) if isinstance(v, str) else None) for v in value],
                    None, how)]
    return [Alt(value, [start] * len(value) if isinstance(value, str) else None, how)]


def _unique(how: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(how))


_HANDLERS = {"Ref": _ref, "Fn::Join": _join, "Fn::Sub": _sub, "Fn::If": _if,
             "Fn::Select": _select, "Fn::Split": _split, "Fn::FindInMap": _find_in_map}


def sub_keeping_placeholders(r: Resolver, arg: Any, child: Node | None,
                             node: Node | None) -> list[Alt]:
    """``Fn::Sub`` with what resolves substituted and the other ``${...}`` kept as written
    (an EventPattern's text: the placeholders are then read as the pattern text they are)."""
    return _sub(r, arg, child, node, 1, keep=True)

