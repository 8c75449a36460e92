"""The French catalogue is complete and current, and French is what a user
sees by default (the rest of the suite reads the English source strings)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def _french():
    with CATALOGUE.open("rb") as file:
        return read_po(file, locale="fr")


def _source_strings() -> set[tuple[str | None, str]]:
    """Every UI string of app/ and templates/ with its context, as `make extract` finds them."""
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith(".") and Path(path).name != "node_modules",
    ):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def test_every_ui_string_is_in_the_french_catalogue():
    catalogue = {(message.context, message.id if isinstance(message.id, str) else message.id[0])
                 for message in _french() if message.id}
    missing = sorted(_source_strings() - catalogue, key=lambda entry: (entry[0] or "", entry[1]))
    assert not missing, f"{len(missing)} strings not extracted (run `make extract`), e.g. {missing[:5]}"


def test_every_french_translation_is_written_and_reviewed():
    untranslated = [m.id for m in _french() if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in _french() if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_the_workspace_speaks_french_by_default(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "fr")
    for path, french in (("/", "Tableau de bord"), ("/clients", "Clients"), ("/offers/", "Recueil"),
                         ("/catalog/insurers", "Compagnie")):
        page = admin_client.get(path)
        assert page.status_code == 200 and french in page.text, path
