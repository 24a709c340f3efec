"""`make bench`: each benchmark against the fastest hand-written baseline in the same run.

Runs on a throw-away SQLite database under var/bench/ (or DATABASE_URL if set) with the national
unit tree. Prints medians of repeated runs and the ratio to the baseline; the machines are small
and noisy, so only ratios are worth comparing between runs.
"""

import os
import statistics
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnweek.config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["LEARNWEEK_VAR_DIR"] = tempfile.mkdtemp(prefix="learnweek-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def median_ms(fn, repeat: int = 15) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float) -> None:
    print(f"{name:<48} {ours:9.2f} ms  baseline {baseline:9.2f} ms  ratio {ours / baseline:5.2f}x")


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    from bench import board, scope

    for module in (scope, board):
        module.run(median_ms, report)


if __name__ == "__main__":
    main()
