"""Hypothesis plugin: ``st.from_type`` for rumrules' public types.

Hypothesis calls :func:`_register` through the ``hypothesis`` entry point while
``import hypothesis`` runs — possibly because :mod:`rumrules.strategies` is importing
Hypothesis, and is itself only half loaded at that moment.  So this module never imports
:mod:`rumrules.strategies` at import or registration time: it registers functions that import
it when ``st.from_type`` first resolves one of the types.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []


def _event_patterns(_type: type) -> Any:
    from .strategies import _event_pattern_objects

    return _event_pattern_objects()


def _pattern_sets(_type: type) -> Any:
    from .strategies import _pattern_sets as pattern_sets

    return pattern_sets()


def _register() -> None:
    """The entry point: register the (lazy) strategies of EventPattern and PatternSet."""
    from hypothesis import strategies as st

    from .pattern import PatternSet
    from .pattern import EventPattern

    st.register_type_strategy(EventPattern, _event_patterns)
    st.register_type_strategy(PatternSet, _pattern_sets)
