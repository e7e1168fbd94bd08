"""Input readers of the command line: metric definitions in files, with their positions.

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

from ._errors import SourceError
from ._nodes import MAX_DEPTH, is_intrinsic
from ._read import (EXTENSIONS, MAX_INPUT_BYTES, STDIN, read_bytes, read_file, read_limited,
                    read_paths, read_text, walk)
from ._records import DefinitionSource, Document, RequestSource, SourceNote, code_matches
from ._shapes import APP_MONITOR_TYPE

__all__ = [
    "APP_MONITOR_TYPE",
    "EXTENSIONS",
    "MAX_DEPTH",
    "MAX_INPUT_BYTES",
    "STDIN",
    "DefinitionSource",
    "Document",
    "RequestSource",
    "SourceError",
    "SourceNote",
    "code_matches",
    "is_intrinsic",
    "read_bytes",
    "read_file",
    "read_limited",
    "read_paths",
    "read_text",
    "walk",
]
