"""The readers: each layout of GetAppMonitorData output, blank lines, gzip, and errors that
name the file and line."""

from __future__ import annotations

import gzip
import json

import pytest

from rumrules import RumRulesError
from rumrules.backfill import document_texts, read_batches

DOCS = [{"event_type": "x", "event_timestamp": 1712492422000 + i, "n": i} for i in range(600)]
TEXTS = [json.dumps(d) for d in DOCS]


def _texts(path, fmt="auto"):
    out = []
    for batch in read_batches(str(path), fmt):
        out.extend(t if isinstance(t, str) else t.decode() for t in document_texts(batch))
    return [json.loads(t) for t in out]


@pytest.mark.parametrize("layout", [
    lambda: json.dumps({"Events": TEXTS}),                                  # one page
    lambda: json.dumps({"NextToken": "abc", "Events": TEXTS}, indent=2),    # key order
    lambda: "\n".join(json.dumps({"Events": TEXTS[i:i + 100]}) for i in range(0, 600, 100)),
    lambda: json.dumps(TEXTS, indent=1),                                    # a bare Events array
    lambda: json.dumps(DOCS, indent=1),                                     # an array of documents
    lambda: "\n".join(json.dumps(d, indent=2) for d in DOCS),               # pretty-printed documents
    lambda: "\n\n".join(TEXTS) + "\n\n",                                    # JSON lines, blank lines
], ids=["page", "nexttoken-first", "page-per-line", "events-array", "document-array",
        "pretty-documents", "jsonl-blank-lines"])
def test_layouts(layout, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(layout())
    assert _texts(path) == DOCS
    gz = tmp_path / "in.json.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert _texts(gz) == DOCS


def test_a_large_value_across_reads(tmp_path):
    big = dict(DOCS[0], blob="x" * 700_000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"Events": [json.dumps(big)] + TEXTS[:3]}, indent=2))
    assert _texts(path) == [big] + DOCS[:3]


@pytest.mark.parametrize("text, where", [
    ('{"Events": ["{}", 3]}', "in.json:1:"),
    ('{"Events": ["{}"\n "{}"]}', "in.json:2:"),
    ('{"Events": ["{}", ', "in.json:1"),
])
def test_broken_pages_name_the_line(text, where, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(text)
    with pytest.raises(RumRulesError) as e:
        _texts(path)
    assert where in str(e.value)


def test_unreadable_file():
    with pytest.raises(RumRulesError, match="cannot read /no/such/file"):
        list(read_batches("/no/such/file"))


def test_broken_gzip(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(b"\n".join(t.encode() for t in TEXTS))[:-30])
    with pytest.raises(RumRulesError, match="cannot read"):
        list(read_batches(str(path)))
