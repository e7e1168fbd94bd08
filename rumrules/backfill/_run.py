"""The backfill run: batches of documents through one or more engines into per-minute
aggregators, in this process or in worker processes fed through bounded queues."""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..engine import MetricEngine
from ..errors import RumRulesError
from ..pattern import MATCHING_CORE, load_event, read_events
from ._aggregate import EXACT_MS as _EXACT_MS, MinuteAggregator, exact_partials, minute_of
from ._readers import (FORMATS, Batch, document_texts, locate, read_batches, read_range,
                       splittable)

__all__ = ["Counts", "Window", "Backfiller", "run_batches", "run_files", "default_jobs"]


@dataclass
class Counts:
    """What a run read: ``documents``; of them ``untimed`` (no usable ``event_timestamp``,
    left out: a backfill cannot place them in time) and ``outside`` (before ``--from`` or
    from ``--to`` on); ``points`` (data points aggregated) and ``skipped`` (matches whose
    ValueKey was missing or not a number), per definition set."""

    documents: int = 0
    untimed: int = 0
    outside: int = 0
    points: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def add(self, other: "Counts") -> None:
        """Add ``other``'s counts to these."""
        self.documents += other.documents
        self.untimed += other.untimed
        self.outside += other.outside
        self.points = [a + b for a, b in zip(self.points, other.points)] or list(other.points)
        self.skipped = [a + b for a, b in zip(self.skipped, other.skipped)] or list(other.skipped)


@dataclass(frozen=True)
class Window:
    """Event times kept: ``start`` (epoch ms, inclusive) to ``end`` (exclusive); ``None``
    leaves that side open."""

    start: float | None = None
    end: float | None = None


def default_jobs() -> int:
    """The local cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:     # not Linux
        return max(1, os.cpu_count() or 1)


class Backfiller:
    """Engines and their aggregators (``aggregators``, one per engine, and ``counts``):
    :meth:`feed` takes a batch.  What each worker process (or Spark task) runs.

    Each document is read once (by the fast reader when it reads it as matching must, else
    exactly), and the one reading serves its time, the matching and the values of every
    engine.  Points are counted per (definition, dimensions, minute) in plain dicts; the
    metric names replace the definitions when :attr:`aggregators` is read."""

    def __init__(self, engines: Sequence[MetricEngine], window: Window) -> None:
        self.engines = list(engines)
        self.window = window
        # per engine: (definition index, dimensions, minute) -> the values not yet folded,
        # and -> [count, exact partial sums, minimum, maximum] of those folded
        self._tables: list[dict] = [{} for _ in self.engines]
        self._folded: list[dict] = [{} for _ in self.engines]
        self._counts = Counts(points=[0] * len(self.engines), skipped=[0] * len(self.engines))
        # the compiled core looks at each text first, and only matched documents are read
        self._screen = MATCHING_CORE == "c"
        self._screener = None     # engines[0]'s, made on first use
        # one engine: the compiled core's loop over a whole batch (MetricEngine.batch_feeder),
        # made on first use; False when there is none
        self._feeder = None
        # (namespace, metric, unit) of each definition, looked up once
        self.metrics = [[e.metric(i) for i in range(len(e.definitions))] for e in self.engines]

    def feed(self, batch: Batch) -> int:
        """Aggregate the documents of ``batch``; return how many it held.  Raise
        :class:`RumRulesError` naming the file and line of a document that is not one."""
        counts = self._counts
        start, end = self.window.start, self.window.end
        lo = -math.inf if start is None else start
        hi = math.inf if end is None else end
        untimed = outside = 0
        engines = self.engines
        single = len(engines) == 1
        tables, folded = self._tables, self._folded
        table = tables[0]
        skipped = [0] * len(engines)
        back = None
        if self._screen and single and type(batch.payload) in (bytes, list):
            # the common documents in one call of the compiled core, the lines unsplit
            feeder = self._feeder
            if feeder is None:
                feeder = self._feeder = engines[0].batch_feeder() or False
            if feeder:
                back, outside, skipped[0], fold, n = feeder(batch.payload, lo, hi, table,
                                                            _FOLD_AT, batch.cwlogs)
                for key in fold:
                    values = table[key]
                    if len(values) >= _FOLD_AT:
                        _fold(folded[0], key, values)
                if not back:
                    counts.outside += outside
                    counts.skipped[0] += skipped[0]
                    counts.documents += n
                    return n
        texts = document_texts(batch)
        if self._screen:
            rest, more, found, kept = self._screened(texts, lo, hi, back)
            outside += more
            if kept:    # the members the engine reads, captured: the others are read here
                read = iter(read_events([texts[k] for k in rest if k not in kept]))
                docs = [kept[k] if k in kept else next(read) for k in rest]
            else:
                docs = read_events([texts[k] for k in rest])
        else:
            found = {}
            rest = range(len(texts))
            docs = read_events(texts, batch.payload if batch.kind == "lines" else None)
        read_points = engines[0].read_points
        for k, doc in zip(rest, docs):
            exact = doc is None
            if exact:
                doc = _load(batch, texts, k)
            ms = doc.get("event_timestamp")
            if type(ms) is int and 0 <= ms < _EXACT_MS:
                minute = ms // 60000 * 60      # minute_of's answer for such a time
            else:
                if not exact:   # a float's text: only the exact reading knows it
                    doc, exact = _load(batch, texts, k), True
                    ms = doc.get("event_timestamp")
                minute = minute_of(ms)
                if minute is None:
                    untimed += 1
                    continue
            if not lo <= ms < hi:
                outside += 1
                continue
            if single:
                matched = found.get(k)
                points = read_points(doc, exact, matched)
                if not points:
                    if points is None:
                        doc = _load(batch, texts, k)
                        points = read_points(doc, True, matched)
                    if not points:
                        continue
                for i, value, dims in points:
                    if value is None:
                        skipped[0] += 1
                        continue
                    key = (i, dims, minute)
                    values = table.get(key)
                    if values is None:
                        table[key] = [value]
                    else:
                        values.append(value)
                        if len(values) >= _FOLD_AT:
                            _fold(folded[0], key, values)
                continue
            found = [e.read_points(doc, exact) for e in engines]
            if not exact and None in found:
                doc = _load(batch, texts, k)
                found = [e.read_points(doc, True) for e in engines]
            for which, points in enumerate(found):
                for i, value, dims in points:   # type: ignore[union-attr]
                    if value is None:
                        skipped[which] += 1
                        continue
                    key = (i, dims, minute)
                    values = tables[which].get(key)
                    if values is None:
                        tables[which][key] = [value]
                    else:
                        values.append(value)
                        if len(values) >= _FOLD_AT:
                            _fold(folded[which], key, values)
        counts.untimed += untimed
        counts.outside += outside
        counts.skipped = [a + b for a, b in zip(counts.skipped, skipped)]
        counts.documents += len(texts)
        return len(texts)

    def _screened(self, texts: list, lo: float, hi: float, only: list | None = None
                  ) -> tuple[list[int], int, dict, dict]:
        """The compiled core's first look at each text (:meth:`MetricEngine.screen`): a
        document whose ``event_timestamp`` it reads as a plain integer time is counted
        ``outside`` the window, or left alone when it is inside and no definition of any
        engine matches it (what reading it would give: no point); the others (matched,
        another time, or a text the core declines, an invalid one included) are returned,
        by their place in ``texts``, to be read as before.  Returns those places, the
        number counted outside, and, by their place, the definitions of the one engine
        found matching each matched document (not matched again) and what it reads of the
        document when the compiled core captured that (:meth:`MetricEngine.captured`: the
        document is not read whole).  ``only``: the places of the texts to look at (the
        ones :meth:`MetricEngine.batch_feeder` handed back), ascending; else all."""
        rest: list[int] = []
        found: dict = {}
        kept: dict = {}
        outside = 0
        engines = self.engines
        screen = self._screener
        if screen is None:
            screen = self._screener = engines[0].screener() or engines[0].screen
        captured = engines[0].captured
        others = engines[1:]
        for k in range(len(texts)) if only is None else only:
            text = texts[k]
            if type(text) is not str:
                try:
                    text = text.decode()
                except (UnicodeDecodeError, AttributeError):
                    rest.append(k)
                    continue
            seen = screen(text)
            if seen is None:
                rest.append(k)
                continue
            hit, ms, members = seen
            if ms is None or not 0 <= ms < _EXACT_MS:
                rest.append(k)      # untimed, or a time only the exact reading dates
                continue
            if not lo <= ms < hi:
                outside += 1
                continue
            if hit:
                rest.append(k)
                if not others:
                    found[k] = hit
                    doc = members if members is not None else captured(text)
                    if doc is not None:
                        kept[k] = doc
                continue
            for e in others:
                seen = e.screen(text)
                if seen is None or seen[0]:
                    rest.append(k)
                    break
        return rest, outside, found, kept

    @property
    def aggregators(self) -> list[MinuteAggregator]:
        """One :class:`MinuteAggregator` per engine: what was fed so far."""
        out = []
        for table, folded, metrics in zip(self._tables, self._folded, self.metrics):
            agg = MinuteAggregator()
            for key, values in table.items():
                i, dims, minute = key
                group = folded.get(key)
                if group is None:
                    agg.add_group((metrics[i], dims, minute), len(values), values,
                                  min(values), max(values))
                else:
                    n, partials, lo, hi = group
                    if values:
                        n += len(values)
                        partials = partials + values
                        lo, hi = min(lo, min(values)), max(hi, max(values))
                    agg.add_group((metrics[i], dims, minute), n, partials, lo, hi)
            out.append(agg)
        return out

    @property
    def counts(self) -> Counts:
        """What was fed so far (``points`` as the aggregators hold them)."""
        self._counts.points = [
            sum(map(len, table.values())) + sum(g[0] for g in folded.values())
            for table, folded in zip(self._tables, self._folded)]
        return self._counts


def _fold(folded: dict, key: tuple, values: list) -> None:
    """Fold the values a group gathered into its exact partial sums, count, minimum and
    maximum (``folded[key]``), and empty the list."""
    group = folded.get(key)
    if group is None:
        folded[key] = [len(values), exact_partials(values), min(values), max(values)]
    else:
        group[0] += len(values)
        group[1] = exact_partials(group[1] + values)
        group[2] = min(group[2], min(values))
        group[3] = max(group[3], max(values))
    values.clear()


#: A group's values are folded into their exact partial sums when they reach this many.
_FOLD_AT = 16


def _load(batch: Batch, texts: list, k: int):
    """The ``k``-th document of ``batch`` read exactly; a :class:`RumRulesError` naming its
    place when it is not a document."""
    try:
        return load_event(texts[k])
    except RumRulesError as e:
        raise RumRulesError(f"{locate(batch, k)}: {e.message}",
                            hint="each line (each Events item) must be one stored "
                                 "RUM event document, a JSON object") from None


def run_batches(engines: Sequence[MetricEngine], batches: Iterable[Batch], *,
                window: Window = Window(), jobs: int = 1,
                progress: Callable[[int], None] | None = None,
                ) -> tuple[list[MinuteAggregator], Counts]:
    """Aggregate every batch through every engine: one aggregator per engine, and the
    counts.  ``jobs`` > 1 uses that many processes: ``jobs - 1`` workers (forked where that
    is safe, else spawned: each rebuilds the engines from their pickles) and this one, which
    takes a batch itself whenever the workers have enough waiting; the batches are read
    here and handed over through a bounded queue, so memory holds a few batches per worker,
    whatever the input's size.  ``progress`` is called with the number of documents of each batch
    aggregated (handed over, when ``jobs`` > 1).

    Raise :class:`RumRulesError` (naming the file and line) for a document that cannot be
    read; the workers are stopped first."""
    if jobs <= 1:
        worker = Backfiller(engines, window)
        for batch in batches:
            n = worker.feed(batch)
            if progress:
                progress(n)
        return worker.aggregators, worker.counts
    return _parallel(engines, (("batch", b) for b in batches), window, jobs, progress)


def run_files(engines: Sequence[MetricEngine], paths: Sequence[str], *, fmt: str = "auto",
              window: Window = Window(), jobs: int = 1,
              progress: Callable[[int], None] | None = None, range_bytes: int | None = None,
              ) -> tuple[list[MinuteAggregator], Counts]:
    """:func:`run_batches` over the documents of ``paths`` (``-``: standard input).  With
    ``jobs`` > 1, each worker (and this process, for the tasks it takes) reads its own
    parts of the files: byte ranges of plain JSON lines and CloudWatch Logs exports
    (``range_bytes`` each; by default a file is cut into 8 ranges per job of at least 1
    MiB), whole gzip files and GetAppMonitorData outputs; only standard input is read here
    and handed over.  Each process aggregates what it reads and this one merges the
    workers' aggregators into its own."""
    if jobs <= 1:
        def batches():
            for path in paths:
                yield from read_batches(path, fmt)
        return run_batches(engines, batches(), window=window, jobs=jobs, progress=progress)
    return _parallel(engines, _tasks(paths, fmt, jobs, range_bytes), window, jobs, progress)


#: A plain file is cut into about this many ranges per worker (so that the last ones
#: leave no worker idle for long), each of at least ``_MIN_RANGE`` bytes.
_RANGES_PER_JOB = 8
_MIN_RANGE = 1 << 20


def _tasks(paths: Sequence[str], fmt: str, jobs: int, range_bytes: int | None):
    """What the workers are given: ``("range", path, kind, start, end)``, ``("file", path,
    fmt)``, and ``("batch", batch)`` for standard input, read here."""
    if fmt not in FORMATS:
        raise RumRulesError(f"unknown input format {fmt!r} ({', '.join(FORMATS)})")
    for path in paths:
        if path == "-":
            for batch in read_batches(path, fmt):
                yield ("batch", batch)
            continue
        kind = splittable(path, fmt)
        if kind is None:
            yield ("file", path, fmt)
            continue
        size = os.path.getsize(path)
        step = range_bytes or max(_MIN_RANGE, -(-size // (jobs * _RANGES_PER_JOB)))
        for start in range(0, max(size, 1), step):
            yield ("range", path, kind, start, start + step)


def _task_batches(task):
    kind = task[0]
    if kind == "batch":
        return (task[1],)
    if kind == "file":
        return read_batches(task[1], task[2])
    return read_range(*task[1:])


def _work(engines, window, tasks, results) -> None:
    """A worker process: tasks from ``tasks`` until ``None``, reporting the documents of
    each batch it reads itself; then its aggregators and counts (or the error that stopped
    it) to ``results``."""
    try:
        gc.freeze()     # what the parent built: the worker's collections leave it be (and unshared)
        worker = Backfiller(engines, window)
        unreported, last = 0, time.monotonic()
        while True:
            task = tasks.get()
            if task is None:
                break
            for batch in _task_batches(task):
                n = worker.feed(batch)
                if task[0] != "batch":
                    unreported += n
                    now = time.monotonic()
                    if now - last >= _PROGRESS_EVERY:   # not every batch: each costs both sides
                        results.put(("progress", unreported, None))
                        unreported, last = 0, now
        if unreported:
            results.put(("progress", unreported, None))
        results.put(("done", worker.aggregators, worker.counts))
    except RumRulesError as e:
        results.put(("error", e, None))
    except BaseException as e:  # noqa: BLE001 - reported in the parent as data
        results.put(("error", RumRulesError(f"a backfill worker failed: {type(e).__name__}: {e}"),
                     None))


#: A worker reports the documents it read at most this often (seconds), and when it ends.
_PROGRESS_EVERY = 0.1


def _context():
    """``fork`` where it is safe and cheap (POSIX, no other thread in this process: a worker
    starts at once with the engines already built); else ``spawn`` (each worker imports
    rumrules and rebuilds the engines from their pickles, about a second)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _parallel(engines, tasks, window, jobs, progress):
    """``jobs`` processes at work: ``jobs - 1`` workers, and this one, which hands out
    ``tasks`` and takes one itself whenever the workers have enough waiting (the queue is
    full), then merges what the workers send back into its own aggregators.  The garbage
    collector is paused from the last task on (see :func:`_spread`) and as it was after."""
    collecting = gc.isenabled()
    try:
        return _spread(engines, tasks, window, jobs, progress)
    finally:
        if collecting:
            gc.enable()


def _spread(engines, tasks, window, jobs, progress):
    """:func:`_parallel`'s work."""
    ctx = _context()
    queue_ = ctx.Queue(maxsize=2 * jobs)
    results = ctx.Queue()
    procs = [ctx.Process(target=_work, args=(list(engines), window, queue_, results), daemon=True)
             for _ in range(jobs - 1)]
    for p in procs:
        p.start()
    own = Backfiller(engines, window)
    outcomes: list = []

    def drain(wait: float = 0.0) -> None:
        """Collect what the workers reported; raise the first error, or a worker's death."""
        got = []
        try:
            got.append(results.get(timeout=wait) if wait else results.get_nowait())
            while True:
                got.append(results.get_nowait())
        except queue.Empty:
            pass
        for item in got:
            if item[0] == "progress":
                if progress:
                    progress(item[1])
            elif item[0] == "error":
                raise item[1]
            else:
                outcomes.append(item)
        dead = [p for p in procs if p.exitcode not in (0, None)]
        if dead:
            raise RumRulesError(f"a backfill worker process ended with exit code "
                                f"{dead[0].exitcode}")

    def put(item) -> None:
        while True:
            try:
                queue_.put(item, timeout=0.5)
                return
            except queue.Full:
                drain()

    def take(task, counted: bool) -> None:
        for batch in _task_batches(task):
            n = own.feed(batch)
            if progress and not counted:
                progress(n)

    try:
        for task in tasks:
            try:
                queue_.put_nowait(task)
            except queue.Full:    # the workers have enough waiting: this process takes it
                take(task, False)
            else:
                if progress and task[0] == "batch":
                    progress(_batch_size(task[1]))
            drain()
        while True:     # the tasks still waiting: this process shares them (no idle tail)
            try:
                task = queue_.get_nowait()
            except queue.Empty:
                break
            take(task, task[0] == "batch")    # a batch was counted when it was queued
            drain()
        for _ in procs:
            put(None)
        # what arrives now, and the merge below, make no cycle: the collector would only walk
        # the caller's heap and the unpickled aggregators again and again (0.03-0.05 s of
        # CPU per 100k documents in the bench's process); the caller's setting is restored
        gc.disable()
        while len(outcomes) < len(procs):
            drain(0.5)
    finally:
        finished = len(outcomes) == len(procs)   # every worker read its None: all was sent
        if not finished:
            for p in procs:
                p.terminate()
        for p in procs:
            p.join(timeout=10)
        if finished:    # the feeder thread ends now, so a next run may fork
            queue_.close()
            queue_.join_thread()
        else:
            queue_.cancel_join_thread()
        results.cancel_join_thread()
    outcomes.append(("done", own.aggregators, own.counts))
    # the workers' aggregators were unpickled here and nothing else holds them: the one with
    # the most groups is kept and the others merged into it (merging costs per group merged)
    outcomes.sort(key=lambda o: -sum(len(a) for a in o[1]))
    aggregators = list(outcomes[0][1])
    for _, aggs, _ in outcomes[1:]:
        for mine, theirs in zip(aggregators, aggs):
            mine.merge(theirs)
    counts = Counts(points=[0] * len(engines), skipped=[0] * len(engines))
    for _, _, c in outcomes:
        counts.add(c)
    return aggregators, counts


def _batch_size(batch: Batch) -> int:
    if batch.kind == "texts":
        return len(batch.payload)  # type: ignore[arg-type]
    return batch.payload.count(b"\n") + (not batch.payload.endswith(b"\n"))  # type: ignore[attr-defined]
