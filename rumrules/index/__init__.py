"""Many patterns, one index: :class:`PatternSet`."""

from ._patternset import PatternSet

__all__ = ["PatternSet"]
