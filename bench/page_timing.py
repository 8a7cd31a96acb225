"""Timing a page through the WSGI app, for the benchmark scripts beside this file."""

import statistics
import time

from sqlalchemy import event


def measure(client, path: str, requests: int, engine) -> tuple[float, float, int]:
    """(median ms, p95 ms, SQL queries per request) of `requests` GETs of `path`, after one
    warm-up request (templates and caches loaded, as in a running server)."""
    queries = []

    def count(*_args):
        queries.append(1)

    event.listen(engine, "before_cursor_execute", count)
    assert client.get(path).status_code == 200, path
    queries.clear()
    client.get(path)
    per_request = len(queries)
    event.remove(engine, "before_cursor_execute", count)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, per_request
