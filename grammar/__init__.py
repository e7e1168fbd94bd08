"""The EventPattern grammar, shipped as data (``event_pattern.lark``) in the wheel.

This folder is installed as the package ``rumrules.grammar`` so that Lark can load the
grammar by package name from a wheel and from an editable install alike.
"""
