"""PatternSet under threads: readers match while a writer removes and re-adds patterns."""

from __future__ import annotations

import sys
import threading

import pytest

from rumrules import PatternSet

STABLE = {f"s{i}": f'{{"event_type":["t{i % 5}"],"metadata":{{"n":[{{"numeric":[">",{i}]}}]}}}}'
          for i in range(40)}
TOGGLED = '{"event_type":["t1","t2"]}'
EVENTS = [f'{{"event_type":"t{k}","metadata":{{"n":{n}}}}}' for k in range(6)
          for n in (0, 7, 25, 100)]


def test_readers_see_a_whole_set_while_a_writer_changes_it():
    ps = PatternSet()
    for name, text in STABLE.items():
        ps.add(name, text)
    ps.add("t", TOGGLED)
    with_t = {e: ps.matches(e) for e in EVENTS}          # "t" added last: it comes last
    without_t = {e: [n for n in with_t[e] if n != "t"] for e in EVENTS}
    assert any("t" in v for v in with_t.values()) and any(with_t.values())
    errors: list = []
    wrong: list = []
    start = threading.Barrier(9)

    def reader():
        start.wait()
        try:
            for _ in range(60):
                for e in EVENTS:
                    got = ps.matches(e)
                    if got != with_t[e] and got != without_t[e]:
                        wrong.append((e, got))
        except Exception as exc:  # noqa: BLE001 - any exception is the failure we look for
            errors.append(repr(exc))

    def writer():
        start.wait()
        try:
            for _ in range(300):
                ps.remove("t")
                ps.add("t", TOGGLED)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)   # switch threads as often as the interpreter allows
    try:
        threads = [threading.Thread(target=reader) for _ in range(8)]
        threads.append(threading.Thread(target=writer))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == [] and wrong == []
    assert ps.matches(EVENTS[4]) == with_t[EVENTS[4]]


@pytest.mark.parametrize("n", [3, 30])
def test_readers_see_one_state_while_a_writer_removes_and_re_adds_many(n):
    """A writer removes ``n`` names one by one, then adds them back one by one, again and again:
    the states of the set are the stable names plus a prefix or a suffix of the toggled
    ones (in that order), so an answer that mixes two states, or skips one, is caught.  The
    changes go through every kind of rebuild: levels merged, half removed, compaction after
    many matches."""
    stable = list(STABLE.items())[:20]
    toggled = [f"t{i}" for i in range(n)]
    every = '{"event_type":[{"prefix":"t"}]}'        # every toggled name matches every event
    ps = PatternSet("eventbridge")
    for name, text in stable:
        ps.add(name, text)
    for name in toggled:
        ps.add(name, every)
    expected = {e: [n for n in ps.matches(e) if not n.startswith("t")] for e in EVENTS}
    assert all(ps.matches(e) == expected[e] + toggled for e in EVENTS)
    valid = {tuple(toggled[:k]) for k in range(n + 1)} | {tuple(toggled[k:]) for k in range(n + 1)}
    errors: list = []
    wrong: list = []
    done = threading.Event()
    start = threading.Barrier(5)

    def reader():
        start.wait()
        try:
            while not done.is_set():
                for e in EVENTS:
                    got = ps.matches(e)
                    stable_part = expected[e]
                    if got[:len(stable_part)] != stable_part or tuple(
                            got[len(stable_part):]) not in valid:
                        wrong.append((e, got))
        except Exception as exc:  # noqa: BLE001 - any exception is the failure we look for
            errors.append(repr(exc))

    def writer():
        start.wait()
        try:
            for _ in range(1200 // n):
                for name in toggled:
                    ps.remove(name)
                for name in toggled:
                    ps.add(name, every)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=reader) for _ in range(4)]
        threads.append(threading.Thread(target=writer))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == [] and wrong == []
    assert all(ps.matches(e) == expected[e] + toggled for e in EVENTS)


def test_a_snapshot_answers_for_its_state_whatever_changes_after_it():
    """What makes the threads above safe, without threads: a snapshot taken before a run of
    changes (removals, re-adds, merges, the rebuild when half is removed, the compaction
    after many matches) still answers as the set did when it was taken."""
    ps = PatternSet()
    for name, text in STABLE.items():
        ps.add(name, text)
    ps.matches(EVENTS[0])
    ps.remove("s39")       # a removal for the snapshot to filter: later ones must not count
    ps.add("s39", STABLE["s39"])
    old = ps._current()
    before = {e: ps.matches(e) for e in EVENTS}
    assert any(before.values())
    for i in range(0, 40, 2):
        ps.remove(f"s{i}")
        ps.matches(EVENTS[0])
        ps.add(f"s{i}", '{"event_type":["t9"]}')
        ps.matches(EVENTS[0])
    for i in range(1, 40, 2):
        ps.remove(f"s{i}")
    for _ in range(70):
        ps.matches(EVENTS[1])
    assert {e: old.matches(e) for e in EVENTS} == before
    assert all(n.startswith("s") and int(n[1:]) % 2 == 0 for e in EVENTS for n in ps.matches(e))
