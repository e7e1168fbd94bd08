"""docs/cli.md, docs/editors.md, docs/boto3.md and the README show real output: every ```console block right after a ``<!-- doctest -->``
line is run, command by command (``$ `` lines, by bash, from the repository root, standard
error with standard output, colour off), and must print exactly the lines below it.

When a rule's message changes, the page changes with it: run the command and paste.
"""

from __future__ import annotations

import re

import pytest

from ._helpers import REPO, has_command, shell

PAGES = ("docs/cli.md", "docs/editors.md", "docs/boto3.md", "README.md")
_BLOCK = re.compile(r"^<!-- doctest -->\n```console\n(.*?)^```$", re.M | re.S)


def _examples(page: str) -> list[tuple[str, str]]:
    """(command, expected output) of every marked block of ``page``."""
    out = []
    for block in _BLOCK.findall((REPO / page).read_text(encoding="utf-8")):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    out.append((command, "\n".join(expected)))
                command, expected = line[2:], []
            else:
                assert command is not None, f"{page}: output before a command: {line!r}"
                expected.append(line)
        if command is not None:
            out.append((command, "\n".join(expected)))
    return out


EXAMPLES = [(page, command, expected) for page in PAGES for command, expected in _examples(page)]


def test_the_page_shows_each_command_with_its_output():
    commands = [c for _, c, _ in EXAMPLES]
    for sub in ("check", "explain", "eval", "rule", "schema"):
        assert any(c.startswith(f"rumrules {sub} ") for c in commands), sub


@pytest.mark.skipif(not has_command("rumrules"), reason="rumrules is not on PATH")
@pytest.mark.parametrize("page,command,expected", EXAMPLES,
                         ids=[f"{p}:{c[:60]}" for p, c, _ in EXAMPLES])
def test_documented_output(page, command, expected):
    done = shell(command)
    assert done.stdout.rstrip("\n") == expected.rstrip("\n"), (
        f"{page}: the output of `{command}` changed; paste the new output:\n{done.stdout}")


def test_ci_recipe_keeps_exit_code_two():
    """The SARIF step must not swallow exit 2 (input that cannot be read) with `|| true`."""
    text = (REPO / "docs/cli.md").read_text(encoding="utf-8")
    recipe = text[text.index("## GitHub Actions"):text.index("## pre-commit")]
    assert "|| true" not in recipe
    sarif = [line for line in recipe.splitlines() if "--format sarif" in line]
    assert sarif and all("--exit-zero" in line for line in sarif)


def test_options_table_lists_every_check_option():
    from rumrules.cli import _parser

    text = (REPO / "docs/cli.md").read_text(encoding="utf-8")
    table = text[text.index("| option | meaning |"):]
    table = table[:table.index("\n\n")]
    check = next(a for a in _parser()._subparsers._group_actions[0].choices.items()
                 if a[0] == "check")[1]
    for action in check._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in table, flag
    for variable in ("NO_COLOR", "FORCE_COLOR"):
        assert variable in table
