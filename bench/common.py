"""Shared parts of the benchmarks: the database, the app, timing and statistics."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

PASSWORD = "correct horse battery"
ADMIN_EMAIL = "admin@example.fr"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Stats:
    """Summary of timings, in seconds."""

    n: int
    median: float
    p95: float
    mean: float
    minimum: float
    maximum: float
    total: float

    @classmethod
    def of(cls, values: list[float]) -> "Stats":
        return cls(
            n=len(values),
            median=statistics.median(values),
            p95=percentile(values, 0.95),
            mean=statistics.fmean(values),
            minimum=min(values),
            maximum=max(values),
            total=sum(values),
        )

    def ms(self) -> str:
        return (
            f"median {self.median * 1000:.2f} ms, p95 {self.p95 * 1000:.2f} ms "
            f"(n={self.n}, min {self.minimum * 1000:.2f}, max {self.maximum * 1000:.2f})"
        )


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def log(message: str) -> None:
    print(message, flush=True)


# --- database -----------------------------------------------------------------


@dataclass
class Database:
    server_url: str  # libpq URL of the server (maintenance database)
    url: str  # SQLAlchemy URL of the fresh benchmark database
    name: str
    embedded: bool


@contextmanager
def bench_database() -> Iterator[Database]:
    """A fresh database on BENCH_DATABASE_URL or on an embedded pgserver; dropped at the end."""
    import psycopg
    from sqlalchemy.engine import make_url

    server_url = os.environ.get("BENCH_DATABASE_URL")
    tmp = None
    server = None
    if not server_url:
        import pgserver

        tmp = tempfile.TemporaryDirectory(prefix="assurdesk-bench-pg-")
        server = pgserver.get_server(Path(tmp.name), cleanup_mode="stop")
        server_url = server.get_uri()
    libpq_url = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"assurdesk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(libpq_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=name)
    try:
        yield Database(libpq_url, url.render_as_string(hide_password=False), name, server is not None)
    finally:
        with psycopg.connect(libpq_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if server is not None:
            server.cleanup()
        if tmp is not None:
            tmp.cleanup()


def server_version(engine) -> str:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SHOW server_version").scalar()


# --- application ----------------------------------------------------------------


def make_app(database_url: str, instance_dir: Path):
    """The app as tests build it (CSRF and rate limits off), with the shared schema at head."""
    from app import create_app
    from app.config import throwaway
    from app.extensions import db
    from tenants.migrate import upgrade_shared

    os.environ["DATABASE_URL"] = database_url
    os.environ["INSTANCE_PATH"] = str(instance_dir)
    flask_app = create_app({**throwaway(database_url, instance_dir, "bench"), "RATELIMIT_ENABLED": False})
    with flask_app.app_context():
        upgrade_shared(db.engine, flask_app.extensions["tenancy"].shared_migrations)
    return flask_app


def host_client(app, host: str):
    """A Flask test client whose requests all go to ``host`` (as tests/conftest.py's HostClient)."""
    from flask.testing import FlaskClient

    class HostClient(FlaskClient):
        def open(self, *args, **kwargs):
            if not kwargs.get("base_url") and not (args and not isinstance(args[0], str)):
                kwargs["base_url"] = f"http://{host}"
            return super().open(*args, **kwargs)

    return HostClient(app, app.response_class, use_cookies=True)


def signed_in_client(app, slug: str):
    client = host_client(app, f"{slug}.localhost")
    response = client.post("/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    if response.status_code != 303:
        raise RuntimeError(f"sign-in on {slug} failed: {response.status_code} {response.text[:300]}")
    return client
