"""JSON Schemas (Draft 2020-12) for editors, generated from the catalog and the rules.

::

    rumrules.schemas.schema("metric-definitions")   # a list of MetricDefinitionRequest
    rumrules.schemas.schema("batch-create-request") # BatchCreateRumMetricDefinitions (boto3,
                                                    # aws rum ... --cli-input-json)
    rumrules.schemas.schema("update-request")       # UpdateRumMetricDefinition
    rumrules.schemas.schema("put-rum-events")       # a PutRumEvents body

Lengths, the member names, the CloudWatch units, the extended metrics' names and ValueKeys,
the built-in event types and the destinations come from the same tables the rules read;
member descriptions name the rules that check each member, with their docs pages.  A schema
says what an editor can say while typing; ``rumrules check`` says the rest (EventPattern
text, duplicates, what a pattern must match).
"""

from ._build import SCHEMA_NAMES, schema

__all__ = ["SCHEMA_NAMES", "schema"]
