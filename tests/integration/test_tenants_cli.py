"""`flask tenants ...`: every command, and its error paths (no traceback)."""

from __future__ import annotations

import tarfile
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.auth.models import User
from tests.conftest import unique_slug


@pytest.fixture
def cli(app, make_tenant):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=["tenants", *args])
        if args[0] == "create" and result.exit_code == 0:
            make_tenant.created.append(args[1])
        return result

    return invoke


def assert_clean_error(result, message):
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert message in result.output


def test_create_with_a_password(cli, bound):
    slug = unique_slug("cli")
    result = cli("create", slug, "--name", "Cabinet Ligne", "--admin-email", "chef@ligne.fr",
                 "--admin-password", "a fine long password")
    assert result.exit_code == 0, result.output
    assert f"Created tenant {slug}" in result.output
    from tenants.resolution import TenantRef

    with bound(TenantRef(0, slug, "", f"tenant_{slug.replace('-', '_')}", "active")) as session:
        admin = session.scalars(select(User)).one()
        assert admin.role == "admin" and admin.password_hash


def test_create_without_a_password_emails_an_invitation(app, cli, mailbox, jobs):
    slug = unique_slug("cli")
    result = cli("create", slug, "--name", "Cabinet Invite", "--admin-email", "boss@invite.fr")
    assert result.exit_code == 0, result.output
    assert "invitation was sent to boss@invite.fr" in result.output
    jobs()
    assert f"http://{slug}.localhost/invitation/" in mailbox.link("boss@invite.fr")


@pytest.mark.parametrize(
    "args, message",
    [
        (["Bad_Slug", "--name", "X", "--admin-email", "a@b.fr"], "invalid slug"),
        (["www", "--name", "X", "--admin-email", "a@b.fr"], "reserved"),
        (["ok-slug-x", "--name", "X", "--admin-email", "not-an-email"], "email_invalid"),
        (["ok-slug-y", "--name", "X", "--admin-email", "a@b.fr", "--admin-password", "short"], "password_too_short"),
        (["ok-slug-z", "--name", "  ", "--admin-email", "a@b.fr"], "name is required"),
    ],
)
def test_create_refuses_bad_input(cli, args, message):
    assert_clean_error(cli("create", *args), message)


def test_create_refuses_a_taken_slug(cli, tenant):
    result = cli("create", tenant.slug, "--name", "Again", "--admin-email", "x@y.fr", "--admin-password", "long enough pass")
    assert_clean_error(result, "already taken")


def test_list_shows_slug_name_status_revision_and_date(cli, app, tenant):
    from tenants.migrate import script_directory

    head = script_directory(app.extensions["tenancy"].tenant_migrations).get_current_head()
    result = cli("list")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith(tenant.slug))
    assert tenant.name in line and "active" in line and head in line


def test_suspend_and_resume(cli, tenant, client_for):
    assert cli("suspend", tenant.slug).exit_code == 0
    assert client_for(tenant).get("/login").status_code == 404
    assert "active" in cli("resume", tenant.slug).output
    assert client_for(tenant).get("/login").status_code == 200


@pytest.mark.parametrize("command", ["suspend", "resume", "delete", "add-domain"])
def test_unknown_slug_is_a_clean_error(cli, command, tmp_path):
    extra = {"delete": ["--yes"], "add-domain": ["x.example.fr"]}.get(command, [])
    assert_clean_error(cli(command, "no-such-firm", *extra), "no tenant with slug 'no-such-firm'")


def test_export_writes_the_schema_dump_and_the_files(app, cli, tenant, tmp_path):
    files = tmp_path / "files"
    app.config["FILES_ROOT"]  # noqa: B018 - the tenancy settings hold the same root
    root = app.extensions["tenancy"].files_root
    import shutil

    stored = Path(root) / tenant.schema_name / "documents"
    stored.mkdir(parents=True)
    (stored / "kbis.pdf").write_bytes(b"%PDF-1.4 test")
    archive = tmp_path / "export.tar.gz"
    result = cli("export", tenant.slug, str(archive))
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        dump = tar.extractfile("schema.sql").read().decode()
    assert "tenant.json" in names and "files/documents/kbis.pdf" in names
    assert f"CREATE TABLE {tenant.schema_name}.audit_log" in dump
    assert "admin@example.fr" in dump
    assert not files.exists()


def test_export_of_unknown_tenant_is_a_clean_error(cli, tmp_path):
    assert_clean_error(cli("export", "ghost-firm", str(tmp_path / "x.tar.gz")), "no tenant with slug")


def test_delete_needs_yes_then_removes_schema_files_and_entry(app, cli, tenant):
    import shutil

    from app.extensions import db

    stored = Path(app.extensions["tenancy"].files_root) / tenant.schema_name
    stored.mkdir(parents=True, exist_ok=True)
    (stored / "note.txt").write_text("x")
    assert_clean_error(cli("delete", tenant.slug), "--yes")
    result = cli("delete", tenant.slug, "--yes")
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as conn:
        schema = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": tenant.schema_name}).first()
    assert schema is None
    assert not stored.exists()
    assert tenant.slug not in cli("list").output


def test_add_domain_validates_and_refuses_duplicates(cli, tenant, make_tenant):
    domain = f"extranet.{tenant.slug}.fr"
    assert cli("add-domain", tenant.slug, domain).exit_code == 0
    other = make_tenant("o")
    assert_clean_error(cli("add-domain", other.slug, domain), "already registered")
    assert_clean_error(cli("add-domain", other.slug, "not a domain"), "not a valid host name")


def test_revision_writes_nothing_when_the_models_match_the_migrations(cli, app, tmp_path, monkeypatch):
    """Drafted against a copy of the migrations: a test never writes into the repo."""
    from app.extensions import db

    settings = app.extensions["tenancy"]
    copy = tmp_path / "tenant"
    shutil.copytree(settings.tenant_migrations, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(settings, "tenant_migrations", str(copy))
    before = sorted((copy / "versions").glob("*.py"))
    result = cli("revision", "-m", "nothing to do")
    assert_clean_error(result, "models match the migrations")
    assert sorted((copy / "versions").glob("*.py")) == before
    with app.app_context(), db.engine.connect() as conn:
        scratch = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_namespace WHERE starts_with(nspname, 'tenant__draft_')").scalar()
    assert scratch == 0
