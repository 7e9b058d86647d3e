"""Helpers for the benchmark commands (`manage.py bench …`): timing and percentiles."""

import statistics
import time


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000
