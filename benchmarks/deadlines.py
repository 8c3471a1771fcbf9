"""Benchmark the deadline engine against numpy and workalendar, and check it agrees with numpy.

Run: .venv/bin/python -m benchmarks.deadlines   (needs the "bench" extra: numpy, workalendar)

Targets, all measured against baselines timed in the same run (best of several repeats):
  (a) one due_date() call is faster than one scalar numpy.busday_offset() call given the same
      closure list (a prebuilt numpy.busdaycalendar: numpy's fastest form);
  (b) one due_date() call is at least 20x faster than workalendar's Quebec add_working_days();
  (c) recomputing 1,000,000 deadlines takes under 1 second;
  (d) on 100,000 random aware receipts (2020-2035) the engine's due dates equal numpy's given the
      engine's own closures for 2020-2036: 0 mismatches;
  (e) so do they on 1,000,000 receipts computed the vectorized numpy way.
Also printed, with no target: 1,000,000 deadlines from aware receipts, the local-date conversion
in the timed work, by the engine (receipt_date() then the due_dates() batch) and by vectorized
numpy (an hourly table of Montreal's offsets, then one busday_offset() over the array), and the
ratio between them.

numpy equivalent of the day-0 rule: due = busday_offset(received_on, N, roll="backward").
busday_offset first rolls the start to a valid day, then moves N valid days. For a receipt on a
business day, "backward" keeps it and the result is the N-th business day after it. For a
receipt on a weekend or closure, "backward" rolls to the previous business day B; the business
days after B are exactly those after the receipt (none lie between them), so the N-th is the
same. roll="forward" would be wrong: it makes the following Monday day 0 and ends one business
day late for every weekend receipt.

Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import platform
import random
import sys
import timeit
from datetime import UTC, date, datetime, timedelta, timezone

from workflows.calendar import BusinessCalendar
from workflows.deadlines import MONTREAL, Delay, due_date, due_dates, receipt_date

try:
    import numpy as np
    import workalendar
    from workalendar.america import Quebec
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.exit(f"{exc}: install the bench extra first: pip install -e '.[bench]'")

REPEAT = 7
SEED = 2026
AGREEMENT_RECEIPTS = 100_000
BATCH_SIZE = 1_000_000


def best_per_call(statements: dict[str, tuple[str, int]], namespace: dict) -> dict[str, float]:
    """Return the best time of one call of each statement, in seconds.

    The statements are timed in turn, REPEAT rounds, so that a busy machine slows every one of
    them alike and the ratios stay fair.
    """
    timers = {
        name: (timeit.Timer(stmt, globals=namespace), number)
        for name, (stmt, number) in statements.items()
    }
    best = dict.fromkeys(statements, float("inf"))
    for _ in range(REPEAT):
        for name, (timer, number) in timers.items():
            best[name] = min(best[name], timer.timeit(number) / number)
    return best


def random_receipts(rng: random.Random, count: int) -> list[datetime]:
    """Return aware receipts between 2020 and 2035 in a mix of zones, as a database returns."""
    start = datetime(2020, 1, 1, tzinfo=MONTREAL).timestamp()
    end = datetime(2036, 1, 1, tzinfo=MONTREAL).timestamp()
    zones = [UTC, MONTREAL, timezone(timedelta(hours=-5))]
    return [
        datetime.fromtimestamp(rng.uniform(start, end), tz=rng.choice(zones)) for _ in range(count)
    ]


def montreal_offsets(first_year: int, last_year: int) -> tuple[int, np.ndarray]:
    """Return the first UTC hour (epoch seconds) and Montreal's UTC offset in seconds for every
    UTC hour from `first_year` to `last_year` (set-up, not timed)."""
    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    offsets = np.array(
        [
            int(datetime.fromtimestamp(t, UTC).astimezone(MONTREAL).utcoffset().total_seconds())
            for t in range(start, end, 3600)
        ],
        dtype=np.int64,
    )
    return start, offsets


def vectorized_due(receipts, offsets_from: int, offsets, busdaycal):
    """Return the due dates of 10 business days from aware receipts, the numpy way."""
    stamps = np.fromiter((r.timestamp() for r in receipts), dtype=np.float64, count=len(receipts))
    seconds = stamps.astype(np.int64)
    local = seconds + offsets[(seconds - offsets_from) // 3600]
    days = (local // 86400).astype("datetime64[D]")
    return np.busday_offset(days, 10, roll="backward", busdaycal=busdaycal)


def format_time(seconds: float) -> str:
    """Return a human time with a unit suited to its size."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:9.3f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:9.3f} ms"
    return f"{seconds:9.3f} s "


def main() -> int:
    """Run every measurement, print the table, and return the exit status."""
    calendar = BusinessCalendar()
    delay = Delay(10)
    closures = [closure.day for year in range(2020, 2037) for closure in calendar.closures(year)]
    holidays = np.array(closures, dtype="datetime64[D]")
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    quebec = Quebec()

    received_at = datetime(2025, 12, 20, 3, 30, tzinfo=UTC)  # Friday 19 Dec, 22:30 Montreal
    received_on = receipt_date(received_at)
    received_on64 = np.datetime64(received_on, "D")
    expected = date(2026, 1, 12)
    # Warm every cache (engine tables, workalendar's yearly holidays) and check the example.
    assert due_date(calendar, received_at=received_at, delay=delay) == expected
    assert np.busday_offset(received_on64, 10, roll="backward", busdaycal=busdaycal) == (
        np.datetime64(expected)
    )
    workalendar_due = quebec.add_working_days(received_on, 10)

    namespace = {
        "np": np,
        "due_date": due_date,
        "calendar": calendar,
        "received_at": received_at,
        "received_on": received_on,
        "received_on64": received_on64,
        "delay": delay,
        "busdaycal": busdaycal,
        "holidays": holidays,
        "quebec": quebec,
    }
    best = best_per_call(
        {
            "engine": ("due_date(calendar, received_at=received_at, delay=delay)", 100_000),
            "numpy_prebuilt": (
                "np.busday_offset(received_on64, 10, roll='backward', busdaycal=busdaycal)",
                50_000,
            ),
            "numpy_list": (
                "np.busday_offset(received_on64, 10, roll='backward', holidays=holidays)",
                5_000,
            ),
            "workalendar": ("quebec.add_working_days(received_on, 10)", 5_000),
        },
        namespace,
    )
    engine = best["engine"]
    numpy_prebuilt = best["numpy_prebuilt"]
    numpy_list = best["numpy_list"]
    workalendar_call = best["workalendar"]

    rng = random.Random(SEED)
    batch_receipts = random_receipts(rng, BATCH_SIZE)
    batch_dates = [receipt_date(r) for r in batch_receipts]
    namespace.update(due_dates=due_dates, batch_dates=batch_dates, batch_receipts=batch_receipts)
    batch = min(
        timeit.Timer(
            "due_dates(calendar, received_on=batch_dates, delay=delay)", globals=namespace
        ).repeat(repeat=3, number=1)
    )
    # Vectorized numpy, the fastest known way, from the same aware receipts: the local dates by an
    # hourly table of Montreal's UTC offsets (DST changes fall on whole UTC hours), then one
    # busday_offset call over the array. The engine's side converts with receipt_date().
    offsets_from, offsets = montreal_offsets(2019, 2037)
    namespace.update(
        vectorized_due=vectorized_due,
        offsets_from=offsets_from,
        offsets=offsets,
        receipt_date=receipt_date,
    )
    engine_converting = min(
        timeit.Timer(
            "due_dates(calendar, received_on=[receipt_date(r) for r in batch_receipts], "
            "delay=delay)",
            globals=namespace,
        ).repeat(repeat=3, number=1)
    )
    numpy_converting = min(
        timeit.Timer(
            "vectorized_due(batch_receipts, offsets_from, offsets, busdaycal)", globals=namespace
        ).repeat(repeat=3, number=1)
    )
    numpy_kernel = min(
        timeit.Timer(
            "np.busday_offset(batch64, 10, roll='backward', busdaycal=busdaycal)",
            globals={**namespace, "batch64": np.array(batch_dates, dtype="datetime64[D]")},
        ).repeat(repeat=3, number=1)
    )
    vectorized = vectorized_due(batch_receipts, offsets_from, offsets, busdaycal)
    engine_batch = np.array(
        due_dates(calendar, received_on=batch_dates, delay=delay), dtype="datetime64[D]"
    )
    vector_mismatches = int(np.count_nonzero(vectorized != engine_batch))
    one_by_one = min(
        timeit.Timer(
            "[due_date(calendar, received_at=r, delay=delay) for r in batch_receipts]",
            globals=namespace,
        ).repeat(repeat=3, number=1)
    )

    receipts = random_receipts(rng, AGREEMENT_RECEIPTS)
    ours = np.array(
        [due_date(calendar, received_at=r, delay=delay) for r in receipts], dtype="datetime64[D]"
    )
    local_dates = np.array([receipt_date(r) for r in receipts], dtype="datetime64[D]")
    theirs = np.busday_offset(local_dates, 10, roll="backward", busdaycal=busdaycal)
    mismatches = int(np.count_nonzero(ours != theirs))
    weekend_or_closure = int(np.count_nonzero(~np.is_busday(local_dates, busdaycal=busdaycal)))

    results = [
        ("(a) engine faster than numpy (prebuilt busdaycalendar)", numpy_prebuilt / engine > 1),
        ("(b) engine >= 20x faster than workalendar", workalendar_call / engine >= 20),
        ("(c) 1,000,000 deadlines in < 1 s (due_dates batch)", batch < 1.0),
        ("(d) 0 mismatches with numpy on 100,000 receipts", mismatches == 0),
        ("(e) 0 mismatches with vectorized numpy on 1,000,000 receipts", vector_mismatches == 0),
    ]

    print("casework deadline engine benchmark")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"workalendar {workalendar.__version__}; "
        f"best of {REPEAT} interleaved rounds (3 for batches)"
    )
    print(
        f"calendar {calendar.base} {calendar.first_year}-{calendar.last_year}, "
        f"version {calendar.version}; {len(closures)} closures 2020-2036 given to numpy"
    )
    print("example: received 2025-12-20T03:30Z (19 Dec, 22:30 Montreal), 10 business days:")
    print(
        f"         engine and numpy {expected.isoformat()}; workalendar "
        f"{workalendar_due.isoformat()} (its Quebec calendar has the statutory days only)"
    )
    print()
    print(f"{'measurement':<58} {'time':>12} {'engine is':>16}")
    print("-" * 88)
    rows = [
        ("engine due_date(), aware UTC datetime -> date", engine, None),
        ("numpy.busday_offset(), prebuilt busdaycalendar, date", numpy_prebuilt, numpy_prebuilt),
        ("numpy.busday_offset(), holidays= array each call, date", numpy_list, numpy_list),
        ("workalendar Quebec().add_working_days(), date", workalendar_call, workalendar_call),
        ("1,000,000 deadlines: due_dates() batch on local dates", batch, None),
        ("1,000,000 deadlines: due_date() loop on aware datetimes", one_by_one, None),
        ("1,000,000: numpy busday_offset() on local dates (kernel)", numpy_kernel, None),
        ("1,000,000 from aware datetimes: engine, receipt_date()", engine_converting, None),
        (
            "1,000,000 from aware datetimes: numpy vectorized",
            numpy_converting,
            ("engine", engine_converting),
        ),
    ]
    for label, seconds, baseline in rows:
        if isinstance(baseline, tuple):
            ratio = f"{seconds / baseline[1]:6.2f}x as fast"
            print(f"{label:<58} {format_time(seconds):>12} {ratio:>16}")
            continue
        ratio = "" if baseline is None else f"{baseline / engine:8.1f}x faster"
        print(f"{label:<58} {format_time(seconds):>12} {ratio:>16}")
    print(
        f"{'agreement with numpy on 100,000 random receipts':<58} "
        f"{mismatches:>9} mismatches ({weekend_or_closure} received on a non-business day)"
    )
    print()
    for label, passed in results:
        print(f"{'PASS' if passed else 'FAIL'}  {label}")
    return 0 if all(passed for _, passed in results) else 1


if __name__ == "__main__":
    sys.exit(main())
