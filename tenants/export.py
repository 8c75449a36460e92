"""GDPR export of one tenant: its schema as ``pg_dump -n`` output plus its
stored files, in one ``.tar.gz`` archive."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from sqlalchemy.engine import Engine

from tenants.provisioning import TenancyError, get_tenant, tenant_files_dir


def pg_dump_binary() -> str:
    """Return the pg_dump to use: ``PG_DUMP``, the embedded server's, or PATH's."""
    configured = os.environ.get("PG_DUMP")
    if configured:
        return configured
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        candidate = POSTGRES_BIN_PATH / "pg_dump"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("pg_dump")
    if not found:
        raise TenancyError("pg_dump was not found; set PG_DUMP to its path")
    return found


def libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def dump_schema(engine: Engine, schema: str) -> bytes:
    completed = subprocess.run(
        [pg_dump_binary(), "--no-owner", "--no-privileges", "-n", schema, "-d", libpq_url(engine)],
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise TenancyError(f"pg_dump failed: {completed.stderr.decode(errors='replace').strip()}")
    return completed.stdout


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(data))


def export_tenant(engine: Engine, slug: str, destination: str | Path, files_root: str | Path) -> Path:
    """Write ``slug``'s archive to ``destination`` and return its path."""
    tenant = get_tenant(engine, slug)
    dump = dump_schema(engine, tenant.schema_name)
    destination = Path(destination)
    manifest = {
        "slug": tenant.slug,
        "name": tenant.name,
        "schema": tenant.schema_name,
        "status": tenant.status,
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with tarfile.open(destination, "w:gz") as archive:
        _add_bytes(archive, "tenant.json", json.dumps(manifest, indent=2).encode())
        _add_bytes(archive, "schema.sql", dump)
        files = tenant_files_dir(files_root, tenant)
        if files.is_dir():
            archive.add(files, arcname="files")
    return destination
