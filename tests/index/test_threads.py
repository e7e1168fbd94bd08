"""PatternSet under threads: readers match while a writer removes and re-adds patterns."""

from __future__ import annotations

import sys
import threading

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
