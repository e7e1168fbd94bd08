"""Input readers of the linter: metric definitions in files, with their positions.

::

    for doc in read_paths(["templates/", "defs.json", "-"], stdin_filename="x.yaml"):
        for request in doc.requests:          # request-level rules: request.request
            for d in request.definitions:     # definition-level rules: d.definition
                line, column = d.locate(diag.path, diag.line, diag.column)

Supported inputs: BatchCreateRumMetricDefinitions and UpdateRumMetricDefinition bodies and
``aws rum ... --cli-input-json``/``--cli-input-yaml`` files (JSON or YAML), one
MetricDefinitionRequest, plain lists of definitions, and CloudFormation templates (YAML with
the short tags, or JSON) holding ``AWS::RUM::AppMonitor`` metric destinations.

Positions are 1-based, columns count Unicode code points.  Intrinsic functions are kept in
their long form (``{"Ref": ...}``, ``{"Fn::Sub": ...}``), except an EventPattern written with
``Fn::Sub``, whose text is checked as the pattern; an EventPattern written as a mapping is
serialized to JSON for checking (see ``DefinitionSource.transformed``).  Reading PyYAML-free
is possible for JSON only.
"""

from ._edits import TextEdit
from ._errors import SourceError
from ._nodes import MAX_DEPTH, is_intrinsic
from ._read import _read_stdin as read_stdin
from ._read import EXTENSIONS, STDIN, read_bytes, read_file, read_paths, read_text, walk
from ._records import DefinitionSource, Document, RequestSource, SourceNote, code_matches
from ._shapes import APP_MONITOR_TYPE
from ._text import decode, encode

__all__ = [
    "APP_MONITOR_TYPE",
    "EXTENSIONS",
    "MAX_DEPTH",
    "STDIN",
    "DefinitionSource",
    "Document",
    "RequestSource",
    "SourceError",
    "SourceNote",
    "TextEdit",
    "code_matches",
    "decode",
    "encode",
    "is_intrinsic",
    "read_bytes",
    "read_file",
    "read_paths",
    "read_stdin",
    "read_text",
    "walk",
]
