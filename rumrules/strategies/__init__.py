"""Hypothesis strategies for fuzzing RUM servers and linters (needs the ``strategies`` extra).

Every function takes keyword-only arguments and returns a ``SearchStrategy``::

    from hypothesis import given
    from rumrules import strategies as rst

    @given(rst.put_rum_events_requests())
    def test_my_ingestion_endpoint(request): ...

- :func:`event_patterns` — valid EventPattern texts (varied layout, key order, number spellings,
  every operator form of the dialect);
- :func:`events` — stored RUM documents that match, or do not match, a pattern (near misses:
  a bound just outside a range, a string where a number is wanted, a missing field, two
  fields satisfied in different elements of one array);
- :func:`metric_definitions` — valid definitions, or invalid ones breaking exactly one rule;
- :func:`put_rum_events_requests` — PutRumEvents requests shaped like the web client's.

Installing rumrules registers ``st.from_type(EventPattern)`` and ``st.from_type(PatternSet)``
through Hypothesis' entry point (``rumrules._hypothesis_plugin``).
"""

from ._common import MAX_EVENTS
from ._definitions import metric_definitions
from ._events import _unchecked_events, events
from ._patterns import _event_pattern_objects, _pattern_sets, event_patterns
from ._requests import _CUSTOM_KEYS, put_rum_events_requests

__all__ = ["event_patterns", "events", "metric_definitions", "put_rum_events_requests",
           "MAX_EVENTS"]
