"""What the readers hand to the checker: documents, requests and definitions with positions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Callable

from ._nodes import SCALAR, Node, is_intrinsic, node_at
from ._scalars import char_offsets
from ._sdkcalls import HOLE as _HOLE
from ._text import LineMap

__all__ = ["Document", "RequestSource", "DefinitionSource", "SourceNote", "code_matches"]

Path = tuple[Any, ...]


def code_matches(code: str, patterns: Iterable[str]) -> bool:
    """True when rule ``code`` is named by one of ``patterns`` (rule codes or code prefixes,
    in any case: ``RUM2`` and ``rum2`` name every ``RUM2xx`` rule; ``ALL`` names every rule)."""
    code = code.upper()
    for p in patterns:
        p = p.strip().upper()
        if p == "ALL" or (p and code.startswith(p)):
            return True
    return False


@dataclass(frozen=True)
class SourceNote:
    """Something the reader noticed but that no rule reports (a part of a template that it
    cannot follow, an ignore list it cannot read), with its position (``None`` for a note
    about a whole file or directory, such as a directory without definitions)."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.column}"
        return f"{where}: note: {self.message}"


@dataclass(eq=False)
class Document:
    """One file (or standard input) that holds metric definitions.

    ``kind`` is the shape that was recognised: ``"cloudformation"`` (a template; one
    :class:`RequestSource` per metric destination of each ``AWS::RUM::AppMonitor``),
    ``"batch-create"`` (a BatchCreateRumMetricDefinitions body or ``--cli-input-json`` file),
    ``"update"`` (an UpdateRumMetricDefinition body), ``"definitions"`` (a plain list),
    ``"definition"`` (one MetricDefinitionRequest) or ``"stored"`` (BatchGetRumMetricDefinitions
    output).  A template's custom resources add requests of kind ``"batch-create"``,
    ``"update"`` or ``"delete"`` (their SDK calls).  ``value`` is the whole document as read.
    """

    file: str
    kind: str
    value: Any = field(repr=False)
    requests: list[RequestSource] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    _root: Node = field(default=None, repr=False)  # type: ignore[assignment]
    _lines: LineMap = field(default=None, repr=False)  # type: ignore[assignment]
    # derived EventPattern texts: document path -> (text, text index -> file offset)
    _derived: dict[Path, tuple[str, Callable[[int], int]]] = field(default_factory=dict,
                                                                   repr=False)
    _char_cache: dict[int, list[int] | None] = field(default_factory=dict, repr=False)
    #: values that could not be read as definitions or requests at all: (document path,
    #: what it is, why it is not checked) -- reported as "not checked" findings
    unchecked: list[tuple[Path, str, str]] = field(default_factory=list)
    # JSON text derived from the file (an SDK call written as a JSON string or Fn::Join):
    # document path -> (its position tree, its text, text offset -> file offset)
    _overlays: dict[Path, tuple[Node, LineMap, list[int]]] = field(default_factory=dict,
                                                                    repr=False)
    #: the template's app monitors, their values resolved for the cross-resource rules:
    #: ``{"logical_id", "path", "name", "custom_events", "telemetries", "destinations",
    #: "cw_log_enabled"}``
    monitors: list[dict[str, Any]] = field(default_factory=list, repr=False)
    #: (app monitor logical id, destination) that a custom resource creates with
    #: PutRumMetricsDestination
    created_destinations: set[tuple[str, str]] = field(default_factory=set, repr=False)
    #: resources that read RUM's CloudWatch Logs copy:
    #: ``{"path", "logical_id", "type", "log_group"}``
    log_readers: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def definitions(self) -> list[DefinitionSource]:
        """Every definition of the document, in order."""
        return [d for r in self.requests for d in r.definitions]

    @property
    def text(self) -> str:
        """The document's text."""
        return self._lines.text

    def locate(self, path: Path, line: int | None = None,
               column: int | None = None) -> tuple[int, int]:
        """The 1-based file ``(line, column)`` of the value at ``path`` (a tuple of member
        names and item indexes from the document's root).

        With ``line``/``column`` (1-based, lines split at ``\\n``) the position is inside that
        value's string (or derived EventPattern text) and the exact file position of that
        character is returned.  A path that does not exist resolves to the deepest part that
        does.  Mappings and sequences that are members resolve to their key; scalars to the
        value.
        """
        path = tuple(path)
        inside = [p for p in self._overlays if path[:len(p)] == p]
        if inside:
            prefix = max(inside, key=len)  # JSON text inside JSON text: the innermost
            return self._locate_overlay(self._overlays[prefix], path[len(prefix):], line,
                                        column)
        node, depth, key_offset = node_at(self._root, path)
        if line is not None and depth == len(path):
            offset = self._text_offset(path, node, line, column or 1)
            if offset is not None:
                return self._lines.position(offset)
        value_at = self._lines.position(node.start)
        if node.kind != SCALAR and key_offset is not None:
            key_at = self._lines.position(key_offset)
            if key_at[0] < value_at[0]:  # a block mapping/sequence: its key names it best
                return key_at
        return value_at

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based ``(line, column)`` of character ``offset`` of :attr:`text`."""
        return self._lines.position(offset)

    def end_of(self, path: Path) -> tuple[int, int] | None:
        """The 1-based ``(line, column)`` just past the scalar at ``path`` as written (its
        closing quote included), or ``None`` (a mapping, a block scalar, a missing path)."""
        from ._edits import value_end

        if self._in_overlay(tuple(path)):
            return None
        node, depth, _ = node_at(self._root, tuple(path))
        if depth != len(tuple(path)):
            return None
        end = value_end(self._lines.text, node, self._lines)
        return None if end is None else self._lines.position(end)

    def _in_overlay(self, path: Path) -> bool:
        return any(path[:len(p)] == p for p in self._overlays)

    def plan_fix(self, path: Path, fix: Any, line: int | None = None,
                 column: int | None = None) -> list[Any] | None:
        """The :class:`~rumrules.linter.sources.TextEdit` list (offsets in :attr:`text`)
        that carries out ``fix`` (a :class:`~rumrules.errors.Fix`) at document ``path``,
        ``line``/``column`` being the finding's place inside the string; ``None`` when it
        cannot be placed exactly."""
        from ._edits import plan_edits

        path = tuple(path)
        if self._in_overlay(path):  # JSON text inside the file: not rewritten
            return None
        return plan_edits(self._lines.text, self._root, self._lines, path, fix.kind,
                          fix.value, fix.old, line=line, column=column,
                          derived=self._derived.get(path))

    def _locate_overlay(self, overlay: tuple[Node, LineMap, list[int]], path: Path,
                        line: int | None, column: int | None) -> tuple[int, int]:
        root, lines, offsets = overlay
        node, depth, key_offset = node_at(root, path)
        at = node.start
        hole = node.text.find(_HOLE) if node.kind == SCALAR and isinstance(node.text, str) \
            else -1
        if line is None and hole >= 0:  # a value that did not resolve: point at it
            line, column = 1, hole + 1
        if line is not None and depth == len(path) and node.kind == SCALAR:
            chars = char_offsets(lines.text, node, lines)
            if chars:
                index = _index(node.text or "", line, column or 1)
                at = chars[index] if index < len(chars) else chars[-1] + 1
        elif node.kind != SCALAR and key_offset is not None:
            at = key_offset
        return self._lines.position(offsets[min(at, len(offsets) - 1)])

    def _text_offset(self, path: Path, node: Node, line: int, column: int) -> int | None:
        derived = self._derived.get(path)
        if derived is not None:
            text, mapper = derived
            return mapper(_index(text, line, column))
        if node.kind != SCALAR or not isinstance(node.text, str):
            return None
        key = node.start  # one scalar a place (a node may be made again: not its id)
        if key not in self._char_cache:
            self._char_cache[key] = char_offsets(self._lines.text, node, self._lines)
        offsets = self._char_cache[key]
        if offsets is None:
            return None
        index = _index(node.text, line, column)
        if index < len(offsets):
            return offsets[index]
        return offsets[-1] + 1 if offsets else None


def _unresolved(value: Any, path: Path) -> bool:
    """True when ``value`` at ``path``, or a value on the way to it, is a CloudFormation
    intrinsic function."""
    for part in path:
        if is_intrinsic(value):
            return True
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif (isinstance(value, list) and isinstance(part, int) and not isinstance(part, bool)
              and -len(value) <= part < len(value)):
            value = value[part]
        else:
            return False
    return is_intrinsic(value)


def _index(text: str, line: int, column: int) -> int:
    """The index in ``text`` of a 1-based line/column (lines split at ``\\n``)."""
    index = 0
    for _ in range(max(line, 1) - 1):
        nl = text.find("\n", index)
        if nl < 0:
            break
        index = nl + 1
    return min(index + max(column, 1) - 1, len(text))


@dataclass(eq=False, slots=True)  # one per definition: 100,000 in a long file
class DefinitionSource:
    """One metric definition (MetricDefinitionRequest) and where it is.

    ``definition`` is what the checker checks: the definition as written, as a plain dict,
    except that an EventPattern written as a mapping/sequence is serialized to a JSON string,
    ``Fn::Sub`` EventPattern text is taken as the pattern (see ``transformed``), and intrinsic
    functions that resolve are replaced by their value (``resolved`` says how; a definition
    with ``Fn::If`` values is read once per branch, ``members`` then maps a member to its
    branch).  Intrinsic functions that do not resolve are kept in their long form
    (``{"Ref": "X"}``, ``{"Fn::GetAtt": [...]}``) and listed in ``unresolved`` with the
    reason (:func:`is_intrinsic` tells them apart).  ``path`` is where the definition sits in the
    document, ``index`` its position among its request's definitions.  ``suppressed`` holds the
    rule codes (or prefixes) that the template's ``Metadata`` turns off for it.
    """

    file: str
    definition: Any = field(repr=False)
    path: Path
    destination: str | None = None
    destination_arn: str | None = None
    app_monitor_name: str | None = None
    suppressed: set[str] = field(default_factory=set)
    index: int = 0
    transformed: dict[str, str] = field(default_factory=dict)
    request: RequestSource | None = field(default=None, repr=False)
    document: Document | None = field(default=None, repr=False)
    #: members whose value was resolved from intrinsic functions -> how (for the message)
    resolved: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: members (paths below the definition) that could not be resolved, and why (a tuple:
    #: the usual one, empty, is one shared object, not a list per definition)
    unresolved: tuple[tuple[Path, str], ...] = ()
    #: members that sit elsewhere in the document (an ``Fn::If`` branch): member -> path
    members: dict[str, Path] = field(default_factory=dict, repr=False)
    #: resolved EventPattern text of this definition: member -> (text, index -> offset)
    texts: dict[str, tuple[str, Callable[[int], int]]] = field(default_factory=dict,
                                                               repr=False)

    @property
    def name(self) -> Any:
        """The definition's ``Name``, when it has one."""
        return self.definition.get("Name") if isinstance(self.definition, dict) else None

    def full_path(self, subpath: Path = ()) -> Path:
        """The document path of a member of this definition."""
        subpath = tuple(subpath)
        if subpath and subpath[0] in self.members:
            return self.members[subpath[0]] + subpath[1:]
        return self.path + subpath

    def locate(self, subpath: Path = (), line: int | None = None,
               column: int | None = None) -> tuple[int, int]:
        """The 1-based file ``(line, column)`` of member ``subpath`` of this definition (for
        example ``("EventPattern",)`` or ``("DimensionKeys", "metadata.pageId")``); with
        ``line``/``column`` inside the EventPattern text (as the pattern parser counts them),
        the file position of exactly that character, whatever the way the string is written
        (JSON string with escapes, YAML plain/quoted/block scalar, ``!Sub``, inline mapping).
        """
        assert self.document is not None
        subpath = tuple(subpath)
        if line is not None and len(subpath) == 1 and subpath[0] in self.texts:
            text, mapper = self.texts[subpath[0]]
            return self.document._lines.position(mapper(_index(text, line, column or 1)))
        return self.document.locate(self.full_path(subpath), line, column)

    def resolved_by(self, subpath: Path = ()) -> tuple[str, ...]:
        """How the member at ``subpath`` was resolved from intrinsic functions (``()`` when
        it is written as it is)."""
        subpath = tuple(subpath)
        return self.resolved.get(subpath[0], ()) if subpath else ()

    def is_suppressed(self, code: str) -> bool:
        """True when ``code`` is turned off for this definition."""
        return code_matches(code, self.suppressed)

    def is_unresolved(self, subpath: Path = ()) -> bool:
        """True when member ``subpath`` is (or lies inside) a CloudFormation intrinsic
        function, whose value is only known at deploy time: findings about it say nothing.
        (An EventPattern read from ``Fn::Sub`` text is resolved: it is that text.)"""
        return _unresolved(self.definition, tuple(subpath))


@dataclass(eq=False)
class RequestSource:
    """A request-like group of definitions, for request-level rules (batch size, duplicates,
    AppMonitorName, Destination/DestinationArn).

    ``request`` has the BatchCreateRumMetricDefinitions shape (``AppMonitorName``,
    ``Destination``, ``DestinationArn``, ``MetricDefinitions`` with the checked definitions)
    for ``batch-create``, ``definitions``, ``definition`` and ``cloudformation`` documents (for
    a template: one per metric destination, ``AppMonitorName`` from the resource's ``Name``);
    for ``update`` documents it is the UpdateRumMetricDefinition body (``MetricDefinition``).
    Only members present in the input are in it.  ``locate``/``full_path`` take paths in
    ``request`` (``("MetricDefinitions", 3, "EventPattern")``, ``("DestinationArn",)``) and
    translate them to the document.
    """

    file: str
    kind: str
    request: dict[str, Any] = field(repr=False)
    path: Path
    definitions: list[DefinitionSource] = field(default_factory=list, repr=False)
    destination: str | None = None
    destination_arn: str | None = None
    app_monitor_name: str | None = None
    suppressed: set[str] = field(default_factory=set)
    members: dict[str, Path] = field(default_factory=dict, repr=False)
    document: Document | None = field(default=None, repr=False)
    #: request members (paths in ``request``) that could not be resolved, and why
    unresolved: list[tuple[Path, str]] = field(default_factory=list)
    #: request members resolved from intrinsic functions -> how
    resolved: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the logical id of the template's app monitor it goes to, when known
    monitor: str | None = None
    #: the logical id of the custom resource whose SDK call it is (``None`` otherwise)
    caller: str | None = None

    def _split(self, subpath: Path) -> tuple[DefinitionSource | None, Path]:
        definition = self.definition_at(subpath)
        if definition is None:
            return None, subpath
        return definition, subpath[2:] if subpath[0] == "MetricDefinitions" else subpath[1:]

    def resolved_by(self, subpath: Path = ()) -> tuple[str, ...]:
        """How the value at ``subpath`` (a path in ``request``) was resolved from intrinsic
        functions, ``()`` when it is written as it is."""
        definition, rest = self._split(tuple(subpath))
        if definition is not None:
            return definition.resolved_by(rest)
        return self.resolved.get(subpath[0], ()) if subpath else ()

    def full_path(self, subpath: Path = ()) -> Path:
        """The document path of ``subpath`` (a path in ``request``)."""
        subpath = tuple(subpath)
        if not subpath:
            return self.path
        head = subpath[0]
        definition, rest = self._split(subpath)
        if definition is not None:
            return definition.full_path(rest)
        if head in self.members:
            return self.members[head] + subpath[1:]
        return self.path + subpath

    def locate(self, subpath: Path = (), line: int | None = None,
               column: int | None = None) -> tuple[int, int]:
        """The 1-based file ``(line, column)`` of ``subpath`` (see :meth:`full_path`)."""
        assert self.document is not None
        definition, rest = self._split(tuple(subpath))
        if definition is not None:
            return definition.locate(rest, line, column)
        return self.document.locate(self.full_path(subpath), line, column)

    def is_suppressed(self, code: str, subpath: Path = ()) -> bool:
        """True when ``code`` is turned off for this whole request/destination, or, for a
        finding at ``subpath`` (a path in ``request``) inside one definition, for that
        definition (a template's ``Metadata.rumrules.definitions``, by the definition's
        Name)."""
        if code_matches(code, self.suppressed):
            return True
        definition = self.definition_at(subpath)
        return definition is not None and definition.is_suppressed(code)

    def definition_at(self, subpath: Path) -> DefinitionSource | None:
        """The definition that member ``subpath`` of ``request`` lies in
        (``("MetricDefinitions", i, ...)``, or ``("MetricDefinition", ...)`` of an update
        body), or ``None`` for a request-level member."""
        subpath = tuple(subpath)
        if (len(subpath) > 1 and subpath[0] == "MetricDefinitions"
                and isinstance(subpath[1], int) and not isinstance(subpath[1], bool)
                and 0 <= subpath[1] < len(self.definitions)):
            return self.definitions[subpath[1]]
        if subpath[:1] == ("MetricDefinition",) and self.kind == "update" and self.definitions:
            return self.definitions[0]
        return None

    def is_unresolved(self, subpath: Path = ()) -> bool:
        """True when ``subpath`` of ``request`` is (or lies inside) a CloudFormation
        intrinsic function (see :meth:`DefinitionSource.is_unresolved`)."""
        return _unresolved(self.request, tuple(subpath))
