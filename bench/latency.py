"""Latency of the workspace dashboard (GET / on <slug>.localhost, signed in as
the firm's admin) through the Flask test client.

The machine may be shared (other processes, autovacuum after a burst of DDL),
so each series is repeated and interleaved with a /healthz series: the
headline figure is the best series' median (the least disturbed one), and the
median over all requests is given beside it.
"""

from __future__ import annotations

import os
import time

from bench.common import Stats, host_client, signed_in_client

WARMUP = 50
REPEATS = 5  # series of the one-tenant measurement
SPREAD_REPEATS = 3


def _time_gets(client, path: str, count: int, expect: int = 200) -> list[float]:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        if response.status_code != expect:
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")
    return timings


def _series_result(series: list[list[float]]) -> dict:
    every = [t for s in series for t in s]
    per_series = [Stats.of(s) for s in series]
    best = min(per_series, key=lambda s: s.median)
    return {"all": Stats.of(every), "series": per_series, "best": best}


def measure(app, slugs: list[str], requests: int, spread: int) -> dict:
    """Dashboard latency for ``slugs[0]`` (REPEATS series of ``requests`` GETs after
    a warm-up), /healthz on the same host in between, and the dashboard
    round-robin over ``spread`` distinct tenants (one signed-in client each)."""
    load_before = os.getloadavg()
    client = signed_in_client(app, slugs[0])
    page = client.get("/")
    if page.status_code != 200 or f"Cabinet {slugs[0]}" not in page.text:
        raise RuntimeError(f"dashboard of {slugs[0]} did not render: {page.status_code}")
    plain = host_client(app, f"{slugs[0]}.localhost")
    _time_gets(client, "/", WARMUP)
    _time_gets(plain, "/healthz", WARMUP)
    one, health = [], []
    for _ in range(REPEATS):
        one.append(_time_gets(client, "/", requests))
        health.append(_time_gets(plain, "/healthz", requests))

    chosen = slugs[: max(1, min(spread, len(slugs)))]
    clients = [signed_in_client(app, slug) for slug in chosen]
    for c in clients:  # warm-up round: every tenant visited once
        _time_gets(c, "/", 1)
    rounds = max(1, -(-requests // len(clients)))
    many = []
    for _ in range(SPREAD_REPEATS):
        series: list[float] = []
        for _ in range(rounds):
            for c in clients:
                series.extend(_time_gets(c, "/", 1))
        many.append(series)
    return {
        "tenants_in_db": len(slugs),
        "load": (load_before, os.getloadavg()),
        "one_tenant": _series_result(one),
        "healthz": _series_result(health),
        "spread_tenants": len(clients),
        "spread": _series_result(many),
    }
