"""The per-minute aggregation: any split of the values over aggregators, merged in any
order, gives the same rows to the bit, and the Sum is the correctly rounded exact sum."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from rumrules.backfill import MinuteAggregator, exact_partials, minute_of

VALUES = st.floats(min_value=-2.0 ** 360, max_value=2.0 ** 360, allow_nan=False,
                   allow_infinity=False) | st.sampled_from([0.1, 1.0, 1834.2999999999997, 1e-300])
KEYS = st.sampled_from([(("ns", "a", None), (("application_name", "x"),), 60),
                        (("ns", "a", None), (("application_name", "x"),), 120),
                        (("ns", "b", "Count"), (("application_name", "x"), ("D", "1")), 60)])


@given(st.lists(st.tuples(KEYS, VALUES), max_size=80), st.integers(1, 5), st.randoms())
def test_any_split_and_merge_order_gives_the_same_rows(items, parts, rnd):
    whole = MinuteAggregator()
    for key, value in items:
        whole.add(key, value)
    shards = [MinuteAggregator() for _ in range(parts)]
    for key, value in items:
        rnd.choice(shards).add(key, value)
    rnd.shuffle(shards)
    merged = MinuteAggregator()
    for shard in shards:
        merged.merge(shard)
    assert merged.rows() == whole.rows()
    by_key: dict = {}
    for key, value in items:
        by_key.setdefault(key, []).append(value)
    for row in whole.rows():
        values = by_key[((row.namespace, row.metric, row.unit), row.dimensions, row.minute)]
        assert row.sample_count == len(values)
        assert row.sum == math.fsum(values)
        assert (row.minimum, row.maximum) == (min(values), max(values))


@given(st.lists(VALUES, max_size=40))
def test_exact_partials_keep_the_exact_sum(values):
    partials = exact_partials(values)
    assert sum(map(Fraction, partials), Fraction(0)) == sum(map(Fraction, values), Fraction(0))
    assert len(partials) <= 30


@given(st.integers(0, 2 ** 53 // 1000 + 5000) | st.floats(-1e13, 1e14, allow_nan=False))
def test_minute_of_files_as_the_engine_does(ms):
    from datetime import datetime, timezone

    ts = int(datetime.fromtimestamp(ms / 1000, tz=timezone.utc).timestamp())
    assert minute_of(ms) == ts - ts % 60


def test_minute_of_refuses_what_is_not_a_time():
    assert minute_of("1712492422000") is None
    assert minute_of(True) is None
    assert minute_of(float("nan")) is None
    assert minute_of(1e20) is None
