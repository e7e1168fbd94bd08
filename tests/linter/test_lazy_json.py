"""The JSON reader's lazy position tree (valid text read by ``json.loads``, positions found
by scanning when asked) gives exactly the tree that the strict reader builds: the same kind,
start, style and scalar text at every node, the same members with the same key offsets, the
same items.  Also: what the lazy path hands over to the strict reader (NaN, huge integers,
nesting past the limit) is still refused with its place."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rumrules.linter.sources import MAX_DEPTH, SourceError
from rumrules.linter.sources._json import _LazyNode, _Reader, parse_json
from rumrules.linter.sources._nodes import MAP, SEQ

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                  max_size=4),
    max_leaves=25)


def _same(lazy, strict, where="$") -> None:
    assert (lazy.kind, lazy.start, lazy.style, lazy.tag) == \
        (strict.kind, strict.start, strict.style, strict.tag), where
    if lazy.kind == MAP:
        assert lazy.keys == strict.keys, where
        assert list(lazy.children) == list(strict.children), where
        for k in strict.children:
            _same(lazy.children[k], strict.children[k], f"{where}.{k}")
    elif lazy.kind == SEQ:
        assert len(lazy.children) == len(strict.children), where
        for i, (a, b) in enumerate(zip(lazy.children, strict.children)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert lazy.text == strict.text, where


@given(json_values, st.sampled_from([None, 0, 1, 3, "\t"]), st.booleans(),
       st.sampled_from(["", " ", "\n", " \r\n\t"]))
def test_the_lazy_tree_is_the_strict_tree(value, indent, ascii_only, around):
    text = around + json.dumps(value, indent=indent, ensure_ascii=ascii_only) + around
    got, root = parse_json(text, "x.json")
    want, strict = _Reader(text, "x.json", None).run()
    assert got == want or (got != got and want != want)
    if isinstance(value, (dict, list)):
        assert isinstance(root, _LazyNode)
    _same(root, strict)


def _same_by_child(lazy, strict, where="$") -> None:
    """As :func:`_same`, asking each node for its members and items one by one (``child``,
    what ``node_at`` does), as a finding's position is looked up."""
    assert (lazy.kind, lazy.start, lazy.style, lazy.tag) == \
        (strict.kind, strict.start, strict.style, strict.tag), where
    if lazy.kind == MAP:
        for k in strict.children:
            _same_by_child(lazy.child(k), strict.children[k], f"{where}.{k}")
    elif lazy.kind == SEQ:
        n = len(strict.children)
        for i in list(range(-n, n)):
            _same_by_child(lazy.child(i), strict.child(i), f"{where}[{i}]")
        assert lazy.child(n) is None and lazy.child(-n - 1) is None, where
        assert lazy.child("0") is None and lazy.child(True) is None, where
        with pytest.raises(AttributeError):  # no node kept per item
            object.__getattribute__(lazy, "children")
    else:
        assert lazy.text == strict.text, where


@given(json_values, st.sampled_from([None, 0, 2]))
def test_an_array_makes_the_node_of_the_item_asked_for_and_keeps_none(value, indent):
    text = json.dumps(value, indent=indent)
    _, root = parse_json(text, "x.json")
    _, strict = _Reader(text, "x.json", None).run()
    _same_by_child(root, strict)
    _same(root, strict)  # and then every item's node, kept, is the same


@given(st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), min_size=1))
def test_duplicate_members_keep_the_last_value_as_the_strict_reader(members):
    text = "{" + ", ".join(f'"{k}": {v}' for k, v in members.items()) + ', "a": 7}'
    got, root = parse_json(text, "x.json")
    want, strict = _Reader(text, "x.json", None).run()
    assert got == want
    _same(root, strict)


@pytest.mark.parametrize("text, where", [
    ('{"a": NaN}', "1:7"),
    ('{"a": [1, ' + "9" * 4301 + "]}", "1:11"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"1:{MAX_DEPTH + 1}"),
    ('{"a": 1,}', "1:9"),
])
def test_what_json_loads_refuses_or_nests_too_deeply_is_refused_with_its_place(text, where):
    with pytest.raises(SourceError) as e:
        parse_json(text, "x.json")
    assert str(e.value).startswith(f"x.json:{where}: invalid JSON"), str(e.value)
