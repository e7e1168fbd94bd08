"""A YAML reader that knows CloudFormation's short tags and records where every value sits.

It reads PyYAML's event stream (libyaml's parser when PyYAML has it) and builds the plain
value and the :class:`Node` tree itself, with an explicit stack: no recursion, positions from
each event's start mark, and a depth limit.  Plain scalars resolve as YAML 1.1 does in PyYAML's
safe loader (``yes`` is ``True``, ``0x1f`` is 31), except timestamps, which stay strings.

CloudFormation short tags are read into the long JSON form: ``!Ref X`` -> ``{"Ref": "X"}``,
``!Condition X`` -> ``{"Condition": "X"}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``,
and every other ``!Name v`` -> ``{"Fn::Name": v}`` (``!Sub``, ``!Join``, ``!If``, ``!Select``,
``!Split``, ``!FindInMap``, ``!ImportValue``, ``!Base64``, ``!Cidr``, ``!GetAZs``, ``!Equals``,
``!And``, ``!Or``, ``!Not``, ``!Transform``, ``!ToJsonString``, ``!Length``...).

Anchors and aliases are followed (an alias shares its anchor's value); a recursive alias, or
aliases that expand to more than a million values, are refused.
"""

from __future__ import annotations

import re
from typing import Any

from ._errors import SourceError
from ._nodes import MAP, MAX_DEPTH, SCALAR, SEQ, Node
from ._text import LineMap

__all__ = ["parse_yaml", "yaml_available"]

_MAX_EXPANDED = 1_000_000
_SHORT_TAG = re.compile(r"![A-Za-z][A-Za-z0-9]*")
_STD = "tag:yaml.org,2002:"

_yaml: Any = None


def yaml_available() -> bool:
    """True when PyYAML can be imported."""
    return _load() is not None


def _load() -> Any:
    global _yaml
    if _yaml is None:
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML is in the test extra
            _yaml = False
        else:
            _yaml = yaml
    return _yaml or None


class _Scalars:
    """YAML 1.1 resolution and construction of plain scalars (PyYAML's safe rules)."""

    def __init__(self, yaml: Any) -> None:
        self.yaml = yaml
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()

    def resolve(self, value: str, tag: str | None, plain: bool) -> Any:
        yaml = self.yaml
        if tag is None or tag == "!":
            if not plain or tag == "!":
                return value
            tag = self.resolver.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STD + "str" or not tag.startswith(_STD):
            return value
        name = tag[len(_STD):]
        node = yaml.ScalarNode(tag, value)
        try:
            if name == "null":
                return None
            if name == "bool":
                return self.constructor.construct_yaml_bool(node)
            if name == "int":
                return self.constructor.construct_yaml_int(node)
            if name == "float":
                return self.constructor.construct_yaml_float(node)
        except (ValueError, yaml.YAMLError):
            return value
        return value  # timestamps, merge keys, binary...: the text as written


def _intrinsic(tag: str, value: Any, node: Node) -> tuple[Any, Node]:
    """Wrap the value of a ``!Name`` tag into its long form."""
    name = tag[1:]
    if name in ("Ref", "Condition"):
        key = name
    else:
        key = "Fn::" + name
    if name == "GetAtt" and isinstance(value, str):
        parts = value.split(".", 1)
        seq = Node(SEQ, node.start)
        seq.children = [node] * len(parts)
        value, node = parts, seq
    wrapper = Node(MAP, node.start, tag=tag)
    wrapper.children[key] = node
    wrapper.keys[key] = node.start
    return {key: value}, wrapper


def parse_yaml(text: str, file: str, lines: LineMap | None = None) -> tuple[Any, Node]:
    """Parse one YAML document into ``(value, node)``; raise :class:`SourceError`."""
    yaml = _load()
    if yaml is None:  # pragma: no cover
        raise SourceError("reading YAML needs PyYAML (pip install 'rumrules[yaml]')", file=file)
    lines = lines or LineMap(text, yaml=True)

    def fail(offset: int, reason: str) -> SourceError:
        line, column = lines.position(offset)
        return SourceError(reason, file=file, line=line, column=column)

    loader_cls = getattr(yaml, "CBaseLoader", None) or yaml.BaseLoader
    loader = loader_cls(text)
    try:
        return _compose(loader, yaml, _Scalars(yaml), fail)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "not valid YAML"
        if mark is None:
            raise SourceError(f"invalid YAML: {reason}", file=file) from None
        raise SourceError(f"invalid YAML: {reason}", file=file,
                          line=mark.line + 1, column=mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        char = exc.character
        char = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        raise fail(exc.position, f"invalid YAML: character {char} is not allowed "
                                 f"({exc.reason})") from None
    except yaml.YAMLError as exc:  # pragma: no cover - any other PyYAML error
        raise SourceError(f"invalid YAML: {str(exc).splitlines()[0]}", file=file) from None
    except RecursionError:  # pragma: no cover - the composer is iterative
        raise SourceError("the document nests too deeply", file=file) from None
    finally:
        loader.dispose()


_NO_KEY = object()


def _compose(loader: Any, yaml: Any, scalars: _Scalars, fail: Any) -> tuple[Any, Node]:
    ev = yaml.events
    anchors: dict[str, tuple[Any, Node, int]] = {}
    open_anchors: set[str] = set()
    # frame: [value, node, is_map, pending key, key offset, tag, anchor, size]
    stack: list[list[Any]] = []
    root: tuple[Any, Node] | None = None
    documents = 0
    total = 0
    while loader.check_event():
        event = loader.get_event()
        start = event.start_mark.index if event.start_mark is not None else 0
        if isinstance(event, ev.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise fail(start, "the file holds several YAML documents; only one is supported")
            continue
        if isinstance(event, (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent)):
            continue
        if isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise fail(start, f"nesting deeper than {MAX_DEPTH} levels")
            is_map = isinstance(event, ev.MappingStartEvent)
            node = Node(MAP if is_map else SEQ, start, tag=event.tag)
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            stack.append([{} if is_map else [], node, is_map, _NO_KEY, None,
                          event.tag, event.anchor, 1])
            continue
        if isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            frame = stack.pop()
            if frame[2] and frame[3] is not _NO_KEY:  # pragma: no cover - parser guarantees
                raise fail(start, "a mapping key has no value")
            value, node, tag, anchor, size = frame[0], frame[1], frame[5], frame[6], frame[7]
            if anchor is not None:
                open_anchors.discard(anchor)
        elif isinstance(event, ev.AliasEvent):
            if event.anchor in open_anchors:
                raise fail(start, f"recursive alias *{event.anchor}")
            if event.anchor not in anchors:
                raise fail(start, f"undefined alias *{event.anchor}")
            value, node, size = anchors[event.anchor]
            tag = anchor = None
        else:  # ScalarEvent
            style = event.style or ""
            tag, anchor = event.tag, event.anchor
            node = Node(SCALAR, start, style=style, text=event.value, tag=tag)
            if tag is not None and _SHORT_TAG.fullmatch(tag):
                value = event.value
            else:
                value = scalars.resolve(event.value, tag, style == "")
            size = 1
        if tag is not None and _SHORT_TAG.fullmatch(tag):
            value, node = _intrinsic(tag, value, node)
        if anchor is not None:
            anchors[anchor] = (value, node, size)
        # the values of the expanded document: one per scalar, mapping or sequence read, and
        # an alias's whole subtree (its values were read once, where its anchor is)
        total += size if isinstance(event, ev.AliasEvent) else 1
        if total > _MAX_EXPANDED:
            raise fail(start, "aliases expand to more than a million values")
        # attach the completed value to its parent
        if not stack:
            root = (value, node)
            continue
        parent = stack[-1]
        parent[7] += size
        if parent[2]:
            if parent[3] is _NO_KEY:
                if node.kind != SCALAR:
                    raise fail(node.start, "mapping keys must be plain values, "
                                           "not mappings or sequences")
                # member names stay the text as written (``On:`` is the name "On", not True):
                # CloudFormation documents are JSON, whose member names are strings
                parent[3], parent[4] = node.text, node.start
            else:
                key = parent[3]
                parent[0][key] = value
                parent[1].children[key] = node
                parent[1].keys[key] = parent[4]
                parent[3] = _NO_KEY
        else:
            parent[0].append(value)
            parent[1].children.append(node)
    if root is None:
        return None, Node(SCALAR, 0, style="", text="")
    return root
