"""`make bench`: each benchmark against the fastest hand-written baseline in the same run.

Runs on the database DATABASE_URL names (`make bench` points it at a PostgreSQL database
`learnweek_bench`, created on first use) with the national unit tree and, for the activity
benchmarks, 1,000,000 generated activities (made once and kept; BENCH_ACTIVITIES changes the
number). Prints medians of repeated runs and the ratio to the baseline; these machines are small
and noisy, so compare ratios, not milliseconds. Every benchmark rolls back what it writes.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnweek.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def median_ms(fn, repeat: int = 15) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float, unit: str = "ms") -> None:
    print(f"{name:<58} {ours:10.2f} {unit}  baseline {baseline:10.2f} {unit}  ratio {ours / baseline:5.2f}x")
    sys.stdout.flush()


def main() -> None:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    from bench import (
        accounts,
        activities,
        audit,
        board,
        inbox,
        partitions,
        reading,
        scope,
        search,
        signups,
        stats,
    )

    modules = (
        ("scope", scope),
        ("board", board),
        ("inbox", inbox),
        ("activities", activities),
        ("stats", stats),
        ("search", search),
        ("signups", signups),
        ("partitions", partitions),
        ("reading", reading),
        ("accounts", accounts),
        ("audit", audit),
    )
    wanted = sys.argv[1:] or [name for name, _ in modules]
    for name, module in modules:
        if name not in wanted:
            continue
        state = module.prepare() if hasattr(module, "prepare") else None  # kept between runs
        if getattr(module, "COMMITS", False):
            module.run(median_ms, report, state)
            continue
        with transaction.atomic():
            if state is None:
                module.run(median_ms, report)
            else:
                module.run(median_ms, report, state)
            transaction.set_rollback(True)


if __name__ == "__main__":
    main()
