"""The load test's figures per step, from locust's CSV: a table for docs/performance.md."""

from __future__ import annotations

import csv
import sys

ORDER = ["browse", "search", "open", "register", "check in", "static file (ceiling)"]


def main(path: str, users: str, duration: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    print(f"\n{users} concurrent users for {duration}:\n")
    print("| step | requests | per second | median ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in [*ORDER, "Aggregated"]:
        row = rows.get(name)
        if row is None:
            continue
        print(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | "
            f"{row['99%']} | {row['Failure Count']} |"
        )


if __name__ == "__main__":
    main(*sys.argv[1:4])
