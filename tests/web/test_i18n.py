"""Languages: the catalogues are complete and compiled, and pages speak the reader's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from workshop import demo
from workshop.extensions import db
from workshop.models import Project

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workshop" / "translations"
LANGUAGES = ("it", "en")
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load_po(lang: str):
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def source_msgids() -> set[str]:
    """Every msgid in the sources, extracted as `pybabel extract -F babel.cfg -k _l` would."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


# ---------------------------------------------------------------- catalogues


def test_every_italian_msgid_has_a_translation():
    catalog = load_po("it")
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"Italian msgstr missing for: {untranslated}"
    assert fuzzy == [], f"fuzzy Italian translations to review: {fuzzy}"


def test_italian_placeholders_match_the_english_ones():
    catalog = load_po("it")
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert problems == []


def test_catalogues_hold_every_string_of_the_sources():
    """A string added to a template or a view but never extracted would show up in English."""
    in_sources = source_msgids()
    assert "Log in" in in_sources  # the extraction itself works
    for lang in LANGUAGES:
        # A plural entry's id is (singular, plural): the sources are compared by the singular.
        in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in load_po(lang) if m.id}
        missing = sorted(in_sources - in_catalogue)
        assert missing == [], f"run pybabel extract/update: {lang} lacks {missing}"


def _key(value):
    """A plural entry's id and string are lists: as tuples they compare and hash."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_committed_mo_matches_its_po(lang, tmp_path):
    """The .mo the app loads says what the .po says (someone ran pybabel compile)."""
    catalog = load_po(lang)
    compiled = tmp_path / "messages.mo"
    with compiled.open("wb") as handle:
        write_mo(handle, catalog)
    with compiled.open("rb") as handle:
        expected = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    committed_path = po_path(lang).with_suffix(".mo")
    assert committed_path.exists(), f"{committed_path} is not compiled"
    with committed_path.open("rb") as handle:
        committed = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    assert committed == expected


# --------------------------------------------------------------- rendering


class Visitor:
    """A browser-like test client whose every request runs in a fresh app context.

    The `app` fixture keeps one app context open for the whole test and Flask reuses it for
    requests, so what Flask-WTF (the CSRF token) and Flask-Babel (the locale) cache in `g`
    would leak from one request into the next.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()

    def get(self, url: str, **kwargs):
        with self.app.app_context():
            return self.client.get(url, **kwargs)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        html = self.get("/join").get_data(as_text=True)
        token = CSRF_INPUT.search(html).group(1)
        with self.app.app_context():
            return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def text(self, url: str) -> str:
        response = self.get(url)
        assert response.status_code == 200, url
        return response.get_data(as_text=True)

    def choose_language(self, lang: str, next_url: str = "/"):
        response = self.post_form("/language", {"lang": lang, "next": next_url})
        assert response.status_code == 302
        assert response.headers["Location"] == next_url
        return response


@pytest.fixture
def demo_project(app) -> Project:
    """The demo project, created on a fixed date so its formatted dates are known."""
    result = demo.load(db.session)
    project = db.session.get(Project, result.project_id)
    project.created_at = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
    db.session.commit()
    return project


@pytest.fixture
def visitor(app) -> Visitor:
    return Visitor(app)


@pytest.fixture
def organizer(visitor, demo_project) -> Visitor:
    response = visitor.post_form(
        "/auth/login", {"email": demo.DEMO_ORGANIZER_EMAIL, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return visitor


def test_login_page_is_italian_by_default_and_english_on_request(visitor):
    italian = visitor.text("/auth/login")
    assert HTML_LANG.search(italian).group(1) == "it"
    assert "Per chi organizza e conduce i laboratori." in italian
    assert "For the people who organise and conduct the labs." not in italian

    visitor.choose_language("en", "/auth/login")
    english = visitor.text("/auth/login")
    assert HTML_LANG.search(english).group(1) == "en"
    assert "For the people who organise and conduct the labs." in english
    assert "Per chi organizza e conduce i laboratori." not in english


def test_join_page_changes_language_and_back(visitor):
    italian = visitor.text("/join")
    assert "Scrivi il codice di accesso che hai ricevuto" in italian
    assert "Il codice è simile a CAFE-7946" in italian

    visitor.choose_language("en", "/join")
    english = visitor.text("/join")
    assert "Type the join code you received" in english
    assert "The code looks like CAFE-7946" in english

    visitor.choose_language("it", "/join")
    assert "Scrivi il codice di accesso che hai ricevuto" in visitor.text("/join")


def test_form_errors_follow_the_language(visitor):
    """WTForms' own messages come from its catalogue, in the reader's language."""
    italian = visitor.post_form("/join", {"code": ""}).get_data(as_text=True)
    assert "Questo campo è obbligatorio." in italian
    visitor.choose_language("en", "/join")
    english = visitor.post_form("/join", {"code": ""}).get_data(as_text=True)
    assert "This field is required." in english


def test_project_page_speaks_the_chosen_language(organizer, demo_project):
    url = f"/projects/{demo_project.id}"
    italian = organizer.text(url)
    assert "Le lavagne del laboratorio" in italian
    assert "Analisi del contesto e del problema" in italian
    assert "Modifica la scheda" in italian

    organizer.choose_language("en", url)
    english = organizer.text(url)
    assert "The boards of the lab" in english
    assert "Context and problem analysis" in english
    assert "Edit the record" in english
    assert "Le lavagne del laboratorio" not in english


def test_project_page_formats_money_and_dates_for_the_locale(organizer, demo_project):
    url = f"/projects/{demo_project.id}"
    italian = organizer.text(url)
    assert "480.000,00 €" in italian
    assert "95.000,00 €" in italian
    assert "12 marzo 2026" in italian
    assert "480,000.00" not in italian

    organizer.choose_language("en", url)
    english = organizer.text(url)
    assert "€480,000.00" in english
    assert "€95,000.00" in english
    assert "March 12, 2026" in english
    assert "480.000,00" not in english


def test_language_chosen_before_login_survives_it(visitor, demo_project):
    visitor.choose_language("en", "/auth/login")
    response = visitor.post_form(
        "/auth/login", {"email": demo.DEMO_ORGANIZER_EMAIL, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "The boards of the lab" in visitor.text(f"/projects/{demo_project.id}")


def test_language_switch_refuses_to_leave_the_site(visitor):
    response = visitor.post_form("/language", {"lang": "en", "next": "//evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_outside_a_request_the_language_is_italian_not_an_error(app):
    # A board's changes run in an app context only (realtime/guards.app_context_event).
    from flask_babel import gettext

    from workshop.web.i18n import select_locale

    with app.app_context():
        assert select_locale() == "it"
        assert gettext("Association") == "Associazione"
