"""Integrations with other tools: :mod:`rumrules.contrib.cfnlint` (a cfn-lint plugin)."""
