"""The eventbridge operators that PatternSet indexes (prefix, suffix, equals-ignore-case and
its prefix/suffix forms, cidr, wildcard, exactly): the same answers as EventPattern.matches,
with many patterns on one field so that the dict lookups, not a loop, give the answers."""

from __future__ import annotations

import json

import pytest

from rumrules import PatternSet, compile_pattern
from rumrules.pattern._index import case_key, fold

FILLER = 300  # patterns of the same operator on the same field that match none of the events


def _agree(items: dict, events: list, path: str = "f", filler: list | None = None) -> list:
    """Each named value-list item as a pattern on ``path`` (plus ``filler`` items): assert the
    set agrees with the loop on every event (as a dict and as JSON text); return the set's
    answers, fillers left out."""
    ps = PatternSet("eventbridge")
    patterns = []
    entries = list(items.items()) + [(f"~{i}", it) for i, it in enumerate(filler or [])]
    for name, item in entries:
        p = compile_pattern(json.dumps({path: [item]}), dialect="eventbridge")
        ps.add(name, p)
        patterns.append((name, p))
    out = []
    for ev in events:
        doc = {path: ev} if ev is not _MISSING else {"other": 1}
        expected = [n for n, p in patterns if p.matches(doc)]
        assert ps.matches(doc) == expected, (doc, expected)
        assert ps.matches(json.dumps(doc, ensure_ascii=False)) == expected, doc
        out.append([n for n in expected if not n.startswith("~")])
    return out


_MISSING = object()
NOT_STRINGS = [5, 0, 1.5, True, False, None, [], _MISSING]


def test_prefix():
    items = {"empty": {"prefix": ""}, "a": {"prefix": "a"}, "ab": {"prefix": "ab"},
             "abc": {"prefix": "abc"}, "b": {"prefix": "b"}, "A": {"prefix": "A"}}
    filler = [{"prefix": f"zz{i}"} for i in range(FILLER)]
    got = _agree(items, ["abc", "ab", "a", "", "abcd", "Abc", "ba", ["zz", "ab"], "xab"]
                 + NOT_STRINGS, filler=filler)
    assert got[:9] == [["empty", "a", "ab", "abc"], ["empty", "a", "ab"], ["empty", "a"],
                       ["empty"], ["empty", "a", "ab", "abc"], ["empty", "A"], ["empty", "b"],
                       ["empty", "a", "ab"], ["empty"]]
    assert all(g == [] for g in got[9:])  # only strings: not numbers, booleans, null, absent


def test_suffix():
    items = {"empty": {"suffix": ""}, "c": {"suffix": "c"}, "bc": {"suffix": "bc"},
             "abc": {"suffix": "abc"}, "C": {"suffix": "C"}}
    filler = [{"suffix": f"{i}zz"} for i in range(FILLER)]
    got = _agree(items, ["abc", "bc", "c", "", "x", "zabc", "abC", "12zz"] + NOT_STRINGS,
                 filler=filler)
    assert got[:8] == [["empty", "c", "bc", "abc"], ["empty", "c", "bc"], ["empty", "c"],
                       ["empty"], ["empty"], ["empty", "c", "bc", "abc"], ["empty", "C"],
                       ["empty"]]
    assert all(g == [] for g in got[8:])


CASES = ["ß", "SS", "ss", "sS", "İ", "i\u0307", "i", "I", "ı", "\u212a", "k", "K", "??",
         "\U0001f600", "?", "ǅ", "ǆ", "Ǆ", "Σ", "σ", "ς", "ﬀ", "FF", "ff", "straße", "STRASSE",
         "Strasse", ""]


def test_equals_ignore_case_keeps_javas_full_case_mapping():
    texts = ["ß", "SS", "ss", "İ", "i", "I", "ı", "\u212a", "k", "\U0001f600", "ǅ", "Σ", "ς",
             "ﬀ", "straße", ""]
    items = {t: {"equals-ignore-case": t} for t in texts}
    filler = [{"equals-ignore-case": f"Browser {i}"} for i in range(FILLER)]
    got = dict(zip(CASES, _agree(items, CASES + NOT_STRINGS, filler=filler)))
    assert got["SS"] == ["ß", "SS", "ss"] and got["ß"] == ["ß"] and got["ss"] == ["SS", "ss"]
    assert got["ı"] == ["ı"] and got["I"] == ["i", "I", "ı"] and got["i"] == ["i", "I"]
    assert got["i\u0307"] == ["İ"] and got["İ"] == ["İ"]
    assert got["k"] == ["\u212a", "k"] and got["\u212a"] == ["\u212a"]
    assert got["??"] == ["\U0001f600"] and got["\U0001f600"] == []  # the reference's UTF-16 quirk
    assert got["ǆ"] == ["ǅ"] and got["ǅ"] == []  # a titlecase letter is its lower or upper form
    assert got["STRASSE"] == ["straße"] and got["Strasse"] == []
    assert got[""] == [""]


def test_prefix_and_suffix_ignoring_case():
    items = {"p-straße": {"prefix": {"equals-ignore-case": "straße"}},
             "p-STR": {"prefix": {"equals-ignore-case": "STR"}},
             "p-empty": {"prefix": {"equals-ignore-case": ""}},
             "s-ß": {"suffix": {"equals-ignore-case": "ß"}},
             "s-SS": {"suffix": {"equals-ignore-case": "SS"}},
             "s-ı": {"suffix": {"equals-ignore-case": "ı"}},
             "p-😀": {"prefix": {"equals-ignore-case": "\U0001f600"}}}
    filler = ([{"prefix": {"equals-ignore-case": f"/Shop/{i}/"}} for i in range(FILLER)]
              + [{"suffix": {"equals-ignore-case": f"-{i}.MIN.JS"}} for i in range(FILLER)])
    events = ["STRASSENBAHN", "strassen", "Straßenbahn", "GROSS", "groß", "gross", "BI", "bı",
              "bi", "??x", "\U0001f600x", "st", "", "/shop/7/x", "a-7.min.js"]
    got = dict(zip(events, _agree(items, events + NOT_STRINGS, filler=filler)))
    assert "p-straße" in got["STRASSENBAHN"] and "p-straße" not in got["strassen"]
    assert "p-straße" in got["Straßenbahn"]
    assert "s-ß" in got["GROSS"] and "s-ß" in got["groß"] and "s-ß" not in got["gross"]
    assert "s-SS" in got["gross"] and "s-SS" not in got["groß"]
    assert "s-ı" in got["BI"] and "s-ı" in got["bı"] and "s-ı" not in got["bi"]
    assert "p-😀" in got["??x"] and "p-😀" not in got["\U0001f600x"]
    assert got[""] == ["p-empty"]


def test_cidr_blocks_of_every_length_and_both_families():
    items = {"v4/0": {"cidr": "0.0.0.0/0"}, "10/8": {"cidr": "10.0.0.0/8"},
             "lo/25": {"cidr": "10.0.0.0/25"}, "hi/25": {"cidr": "10.0.0.128/25"},
             "/31": {"cidr": "10.0.0.6/31"}, "/30": {"cidr": "0.0.0.0/30"},
             "v6/0": {"cidr": "::/0"}, "db8/32": {"cidr": "2001:db8::/32"},
             "/127": {"cidr": "2001:db8::/127"}, "a00::/12": {"cidr": "a00::/12"},
             "v6/1": {"cidr": "8000::/1"}}
    filler = [{"cidr": [f"172.16.{i % 256}.0/24", f"192.0.{i % 256}.{i % 8 * 32}/27",
                        f"2001:db9:{i:x}::/48"][i % 3]} for i in range(FILLER)]
    events = ["10.0.0.1", "10.0.0.128", "10.0.0.6", "10.0.0.7", "10.0.0.8", "010.000.000.001",
              "255.255.255.255", "0.0.0.3", "::1", "2001:db8::1", "2001:db8::2",
              "2001:0DB8:ffff::", "::ffff:a00:1", "::ffff:10.0.0.1", "a00::1", "ffff::", "a000001",
              "10.0.0", "10.0.0.1/8", " 10.0.0.1", "not an ip", "", 167772161, 3, 4294967296,
              -1, 1.5, True, None]
    got = dict(zip(map(str, events), _agree(items, events, filler=filler)))
    # 0A000001 lies between the hex bounds of a00::/12 (the reference's text comparison)
    assert got["10.0.0.1"] == ["v4/0", "10/8", "lo/25", "v6/0", "a00::/12"]
    assert got["10.0.0.128"] == ["v4/0", "10/8", "hi/25", "v6/0", "a00::/12"]
    assert got["10.0.0.7"] == ["v4/0", "10/8", "lo/25", "/31", "v6/0", "a00::/12"]
    # an event number is not an address: the reference compares its JSON text with the hex
    # bounds and accepts as soon as a character falls strictly between them
    for number in ("167772161", "3", "1.5", "4294967296"):
        assert got[number] == ["v4/0", "v6/0"], number
    # an IPv6 address whose first 8 hex digits fall inside an IPv4 block is in it, as in the
    # reference (v4/0 holds every IPv6 address but those starting ffff:ffff)
    assert got["2001:db8::1"] == ["v4/0", "v6/0", "db8/32", "/127"]
    assert got["2001:db8::2"] == ["v4/0", "v6/0", "db8/32"]
    assert got["::1"] == ["v4/0", "/30", "v6/0"] and got["ffff::"] == ["v4/0", "v6/0", "v6/1"]
    assert got["::ffff:a00:1"] == got["10.0.0.1"]  # IPv4-mapped is the IPv4 address
    for not_ip in ("::ffff:10.0.0.1", "10.0.0", "10.0.0.1/8", " 10.0.0.1", "not an ip", "",
                   "-1", "True", "None"):
        assert got[not_ip] == [], not_ip


def test_cidr_compares_hex_texts_like_the_reference():
    """Blocks and addresses are compared as hex strings: ``::/0`` holds IPv4 addresses, and an
    IPv6 address can fall inside an IPv4 block (the two lengths meet only there)."""
    items = {"v6/0": {"cidr": "::/0"}, "v6/4": {"cidr": "::/4"}, "10/8": {"cidr": "10.0.0.0/8"},
             "10.255/16": {"cidr": "10.255.0.0/16"}, "a00::/8": {"cidr": "a00::/8"},
             "a00::/40": {"cidr": "a00::/40"}}
    events = ["10.0.0.1", "a00::", "a00::1", "aff:ffff::", "aff:0::", "10.255.0.0", "a00:0::",
              "0.0.0.0", "::", "a00:0:0::"]
    _agree(items, events)


def test_exact_address_strings_still_compare_as_addresses():
    items = {"exact": "10.0.0.1", "exactly": {"exactly": "10.0.0.1"},
             "exact6": "2001:db8::1", "cidr": {"cidr": "10.0.0.0/31"}}
    got = _agree(items, ["10.0.0.1", "010.000.000.001", "::ffff:a00:1", "2001:DB8:0::1",
                         167772161, "167772161"])
    # neither a number nor a string of digits is an address (the reference compares the
    # number's text with the bounds: "1" is above the block's "0A")
    assert got == [["exact", "exactly", "cidr"], ["exact", "cidr"], ["exact", "cidr"],
                   ["exact6"], [], []]


def test_an_exact_address_string_does_not_match_a_number():
    # regression: the index read event numbers as addresses for exact address strings too
    for dialect in ("rum", "eventbridge"):
        ps = PatternSet(dialect, [("p", '{"a":["255.255.255.255"]}')])
        assert ps.matches({"a": 4294967295}) == [] and ps.matches('{"a":4294967295}') == []
        assert ps.matches({"a": "255.255.255.255"}) == ["p"]


def test_wildcard_with_literal_ends_and_escapes():
    items = {"a*": {"wildcard": "a*"}, "*a": {"wildcard": "*a"}, "a*b": {"wildcard": "a*b"},
             "*a*": {"wildcard": "*a*"}, "a\\*b": {"wildcard": "a\\*b"},
             "a\\\\*": {"wildcard": "a\\\\*"}, "abc": {"wildcard": "abc"},
             "empty": {"wildcard": ""}, "*": {"wildcard": "*"}, "a*b*c": {"wildcard": "a*b*c"},
             "*\\*": {"wildcard": "*\\*"}, "ß*": {"wildcard": "ß*"}}
    filler = ([{"wildcard": f"https://api.example.com/v{i}/*/orders/*"} for i in range(FILLER)]
              + [{"wildcard": f"*/checkout/step-{i}"} for i in range(FILLER)])
    events = ["a", "ab", "a*b", "axb", "a\\b", "a\\xyz", "abc", "", "ba", "abxbc", "x*", "ßx",
              "SSx", "https://api.example.com/v7/u/orders/1", "/checkout/step-9"]
    got = dict(zip(events, _agree(items, events + NOT_STRINGS, filler=filler)))
    assert got["a*b"] == ["a*", "a*b", "*a*", "a\\*b", "*"]
    assert got["axb"] == ["a*", "a*b", "*a*", "*"]
    assert got["a\\xyz"] == ["a*", "*a*", "a\\\\*", "*"]
    assert got["abc"] == ["a*", "*a*", "abc", "*", "a*b*c"]
    assert got[""] == ["empty", "*"]
    assert got["x*"] == ["*", "*\\*"]
    assert got["SSx"] == ["*"]


def test_exactly_is_a_plain_string():
    got = _agree({"x": {"exactly": "x"}, "10": {"exactly": "10"}, "e": {"exactly": ""}},
                 ["x", "X", "10", 10, "", "010"])
    assert got == [["x"], [], ["10"], [], ["e"], []]


def test_array_consistency_with_indexed_operators():
    ps = PatternSet("eventbridge", [
        ("anna-jones", '{"e":{"f":[{"prefix":"An"}],"l":[{"suffix":"nes"}]}}'),
        ("anna-ip", '{"e":{"f":[{"equals-ignore-case":"ANNA"}],"ip":[{"cidr":"10.0.0.0/8"}]}}'),
        ("anna", '{"e":{"f":[{"wildcard":"A*a"}]}}')])
    ev = {"e": [{"f": "Anna", "l": "Smith", "ip": "192.168.0.1"},
                {"f": "Peter", "l": "Jones", "ip": "10.0.0.1"}]}
    assert ps.matches(ev) == ["anna"]
    ev["e"][0]["l"] = "Jones"
    ev["e"][0]["ip"] = "10.1.1.1"
    assert ps.matches(ev) == ["anna-jones", "anna-ip", "anna"]


def test_many_patterns_leave_nothing_to_test_one_by_one():
    """2000 patterns of the indexed operators on one field: the field's group files them all
    in dicts (``others`` stays empty) and still answers as the loop does."""
    items = []
    for i in range(400):
        items += [{"prefix": f"/p/{i}/"}, {"suffix": f".{i}.js"},
                  {"equals-ignore-case": f"Chrome {i}"},
                  {"prefix": {"equals-ignore-case": f"/Q/{i}/"}},
                  {"cidr": f"10.{i // 256}.{i % 256}.0/{20 + i % 12}"},
                  {"wildcard": f"/w/{i}/*"}, {"wildcard": f"*/x/{i}"}]
    ps = PatternSet("eventbridge")
    for i, it in enumerate(items):
        ps.add(f"n{i}", json.dumps({"f": [it]}))
    events = [{"f": v} for v in ["/p/7/a", "a.7.js", "CHROME 7", "/q/7/z", "10.0.7.1",
                                 "/w/7/z", "a/x/7", "nothing", 7, "10.1.144.9"]]
    patterns = [(f"n{i}", compile_pattern(json.dumps({"f": [it]}), "eventbridge"))
                for i, it in enumerate(items)]
    for ev in events:
        assert ps.matches(ev) == [n for n, p in patterns if p.matches(ev)]
    (index,) = ps._current().indexes      # added together: one index
    ((_, group),) = index.root.groups
    assert group.others == []


def test_fold_and_case_key():
    assert fold("STRASSE") == fold("straße") == "strasse"
    assert case_key("ß") == "ss" and case_key("İ") == "i\u0307" and case_key("ı") == "i"
    assert case_key("\U0001f600a") == "??a" and case_key("\ud800") == "?"
    assert fold("I") == fold("ı") == "i"


def test_every_bmp_character_has_a_case_key():
    """The claim the index relies on, checked in this Python's Unicode tables: both case
    forms of every character fold alike (a character for which they did not would only make
    its patterns be tried one by one)."""
    missing = [hex(c) for c in range(0x10000) if case_key(chr(c)) is None]
    assert missing == []


@pytest.mark.parametrize("text, expected", [
    ("a*b", ("a", "b", True)), ("*", ("", "", True)), ("abc", ("abc", "abc", False)),
    ("a\\*b*c\\\\", ("a*b", "c\\", True)), ("\\\\*x", ("\\", "x", True)), ("", ("", "", False)),
    ("a*b*c", ("a", "c", True))])
def test_wildcard_literal_ends(text, expected):
    """The index files a wildcard by the literal ends of its compiled pieces."""
    (m,) = compile_pattern(json.dumps({"a": [{"wildcard": text}]}),
                           dialect="eventbridge").conditions[0].matchers
    pieces = m.regex.pieces
    assert (pieces[0], pieces[-1], len(pieces) > 1) == expected
