"""Input readers of the linter: metric definitions in files, with their positions.

::

    for doc in read_paths(["templates/", "defs.json", "-"], stdin_filename="x.yaml"):
        for request in doc.requests:          # request-level rules: request.request
            for d in request.definitions:     # definition-level rules: d.definition
                line, column = d.locate(diag.path, diag.line, diag.column)

Supported inputs: BatchCreateRumMetricDefinitions and UpdateRumMetricDefinition bodies and
``aws rum ... --cli-input-json``/``--cli-input-yaml`` files (JSON or YAML), one
MetricDefinitionRequest, plain lists of definitions, BatchGetRumMetricDefinitions output
(kind ``stored``), and CloudFormation templates (YAML with the short tags, or JSON; CDK's
``cdk.out/*.template.json`` and SAM templates alike) holding ``AWS::RUM::AppMonitor`` metric
destinations and custom resources whose SDK calls create, update or delete metric
definitions (CDK's ``Custom::AWS``).

Positions are 1-based, columns count Unicode code points.  Intrinsic functions are resolved
where the template alone decides them (``_intrinsics``: ``Fn::Join``, ``Fn::Sub``, ``Ref`` to
a parameter's ``Default``, both branches of ``Fn::If``...), with the file position of every
character of a resolved text; what does not resolve stays in its long form
(``{"Fn::GetAtt": [...]}``) and is listed with the reason (``DefinitionSource.unresolved``,
``RequestSource.unresolved``, ``Document.unchecked``).  An EventPattern written as a mapping is
serialized to JSON for checking (see ``DefinitionSource.transformed``).  Reading PyYAML-free is
possible for JSON only.
"""

from ._edits import TextEdit
from ._errors import SourceError
from ._nodes import MAX_DEPTH, is_intrinsic
from ._read import _read_stdin as read_stdin
from ._read import (EXTENSIONS, MAX_INPUT_BYTES, STDIN, display_name, read_bytes, read_file,
                    read_limited, read_path, read_paths, read_text, walk)
from ._records import DefinitionSource, Document, RequestSource, SourceNote, code_matches
from ._shapes import APP_MONITOR_TYPE
from ._text import decode, encode

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
    "TextEdit",
    "code_matches",
    "decode",
    "display_name",
    "encode",
    "is_intrinsic",
    "read_bytes",
    "read_file",
    "read_limited",
    "read_path",
    "read_paths",
    "read_stdin",
    "read_text",
    "walk",
]
