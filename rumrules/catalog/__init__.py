"""rumrules.catalog: CloudWatch RUM facts kept once, as data.

Each module holds one table and everything derived from it, so the rule checker, ingestion
and the engine can never disagree:

* ``event_types``: the built-in event types and the fields of their ``details`` (-> the JSON
  Schemas that ingestion validates with);
* ``metadata``: the reserved metadata keywords, the ``aws:`` built-in keys, custom-attribute
  limits and the metadata schema;
* ``metrics``, ``units``, ``keys``: the extended-metrics table, CloudWatch units and the
  first-level keys of stored documents.

Import the module you need (``from rumrules.catalog import event_types``); this package
imports nothing itself.
"""
