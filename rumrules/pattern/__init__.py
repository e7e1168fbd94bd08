"""The EventPattern language: parse, compile, match, explain."""
