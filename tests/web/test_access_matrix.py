"""Who reaches what: every route × every kind of person, on project A's resources.

The matrix names every (endpoint, method) of the app: a new route without an entry here fails
`test_every_route_is_in_the_matrix`, so nobody adds a page without deciding who may open it.
A refused request must also leave the database exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import csrf_token
from tests.support.routes import fingerprint, route_url, routes_of
from tests.web.conftest import PARTICIPANTS, PRINCIPALS, USERS

LOGIN = "/auth/login"  # a redirect to the login page (anonymous visitors)


def expect(default=None, **by_principal):
    """Expected outcome per principal: a status code, or the path a 302 must start with."""
    table = {who: default for who in PRINCIPALS}
    for key, value in by_principal.items():
        group = {"participants": PARTICIPANTS, "users": USERS}.get(key, (key,))
        for who in group:
            table[who] = value
    assert None not in table.values(), by_principal
    return table


def accounts_only(success):
    """Account holders only: organizers and conductors."""
    return expect(LOGIN, participants=403, users=success)


def organizer_only(success):
    return expect(LOGIN, participants=403, conductor_a=403, conductor_b=403, organizer=success)


def managers_of_a(success):
    """The organizer and project A's conductor: the people who manage project A."""
    return expect(LOGIN, participants=403, conductor_b=403, conductor_a=success, organizer=success)


def viewers_of_a(success):
    """Whoever may see project A's boards: its participants and observers, its managers."""
    return expect(
        LOGIN,
        participant_a=success,
        observer_a=success,
        participant_b=403,
        users=success,
        conductor_b=403,
    )


@dataclass(frozen=True)
class Route:
    expected: dict
    data: dict | None = None  # form fields for a POST (the CSRF token is added)
    url_values: dict | None = None  # URL arguments other than the targets' own, by name


MATRIX: dict[tuple[str, str], Route] = {
    # Project A has a live session open (the targets): its people land on its board (issue 14).
    ("pages.index", "GET"): Route(
        expect(
            200,
            participants="/me",
            participant_a="/boards/",
            observer_a="/boards/",
            users="/projects/",
        )
    ),
    ("pages.my_boards", "GET"): Route(expect(LOGIN, participants=200, users="/projects/")),
    ("pages.set_language", "POST"): Route(expect("/"), {"lang": "en"}),
    ("pages.healthz", "GET"): Route(expect(200)),
    ("pages.login", "GET"): Route(expect(LOGIN)),
    ("auth.login", "GET"): Route(expect(200, users="/projects/")),
    ("auth.login", "POST"): Route(expect(200, users="/projects/"), {}),
    ("auth.logout", "POST"): Route(expect("/"), {}),
    ("join.by_code", "GET"): Route(expect(200)),
    ("join.by_code", "POST"): Route(expect("/j/"), {"code": "{invite_code}"}),
    ("join.by_link", "GET"): Route(expect(200, participant_a="/boards/")),
    ("join.by_link", "POST"): Route(expect("/boards/"), {"display_name": "Zeno"}),
    ("projects.list_projects", "GET"): Route(accounts_only(200)),
    ("projects.create", "GET"): Route(organizer_only(200)),
    ("projects.create", "POST"): Route(
        organizer_only("/projects/"), {"title": "Nuovo", "status": "active"}
    ),
    ("projects.show", "GET"): Route(managers_of_a(200)),
    # the co-funding ledger (issue 16): its managers only; A has no actors, so no line is valid
    ("ledger.show", "GET"): Route(managers_of_a(200)),
    ("ledger.csv_file", "GET"): Route(managers_of_a(200)),
    ("ledger.add", "POST"): Route(
        managers_of_a(400),
        {"actor_id": "nobody", "category": "other", "kind": "monetary", "planned_eur": "10"},
    ),
    ("ledger.edit", "GET"): Route(managers_of_a(404), url_values={"line_id": "999999"}),
    ("ledger.edit", "POST"): Route(
        managers_of_a(404),
        {"category": "other", "planned_eur": "10"},
        url_values={"line_id": "999999"},
    ),
    ("ledger.delete", "POST"): Route(managers_of_a(404), {}, url_values={"line_id": "999999"}),
    ("ledger.adopt", "POST"): Route(
        managers_of_a("/projects/"), {"item_id": "none", "actor_id": "x", "category": "other"}
    ),
    ("ledger.clear_record_figures", "POST"): Route(managers_of_a("/projects/"), {}),
    # the needs register (issue 17): its managers; the form by its personal link, for anyone
    ("needs.index", "GET"): Route(managers_of_a(200)),
    ("needs.index", "POST"): Route(managers_of_a("/projects/"), {"title": "Bisogni 2027"}),
    ("needs.call", "GET"): Route(managers_of_a(200)),
    ("needs.send", "POST"): Route(
        managers_of_a("/projects/"), {"organisation": "ODV", "email": "odv@example.org"}
    ),
    ("needs.revoke", "POST"): Route(managers_of_a("/projects/"), {}),
    ("needs.remind", "POST"): Route(managers_of_a("/projects/"), {}),
    ("needs.approve", "POST"): Route(managers_of_a("/projects/"), {"approved_by": "Il tavolo"}),
    # A draft is not corrected (only an approved version is): refused with the form's error.
    ("needs.correct", "POST"): Route(managers_of_a(400), {"reason": "Un errore di battitura"}),
    ("needs.sintesi_file", "GET"): Route(managers_of_a(200), url_values={"fmt": "docx"}),
    # The page's script asks for the file as a job (workshop/web/jobs.py), then follows it.
    ("needs.sintesi_file", "POST"): Route(managers_of_a(202), {}, url_values={"fmt": "pdf"}),
    ("needs.form", "GET"): Route(expect(200)),
    ("needs.form", "POST"): Route(expect(200), {"body": "APS", "need": "Un bisogno"}),
    ("projects.edit", "GET"): Route(managers_of_a(200)),
    ("projects.edit", "POST"): Route(
        managers_of_a("/projects/"), {"title": "Rinominato", "status": "active"}
    ),
    ("projects.add_board", "POST"): Route(managers_of_a("/boards/"), {"title": "Lavagna libera"}),
    ("projects.create_invite", "POST"): Route(
        managers_of_a("/projects/"), {"board_id": "0", "role": "participant", "label": "Gruppo 2"}
    ),
    ("projects.revoke_invite", "POST"): Route(managers_of_a("/projects/"), {}),
    ("projects.remove_participant", "POST"): Route(managers_of_a("/projects/"), {}),
    ("projects.assign_conductor", "POST"): Route(
        organizer_only("/projects/"), {"user_id": "{conductor_b_id}"}
    ),
    ("projects.unassign_conductor", "POST"): Route(organizer_only("/projects/"), {}),
    ("boards.show", "GET"): Route(viewers_of_a(200)),
    ("exports.board_diagram", "GET"): Route(
        managers_of_a(200),
        url_values={"fmt": "svg"},
    ),
    # POST starts the download as a job (workshop/jobs): 202 with where to follow it.
    ("exports.board_diagram", "POST"): Route(managers_of_a(202), {}, url_values={"fmt": "pdf"}),
    ("exports.board_export_json", "GET"): Route(managers_of_a(200)),
    ("exports.board_items_csv", "GET"): Route(
        managers_of_a(200),
        url_values={"item_type": "problem"},
    ),
    # Without a file the form sends its manager back to the project page with the reason.
    ("exports.import_board", "POST"): Route(managers_of_a("/projects/"), {}),
    ("exports.toc_workbook", "GET"): Route(
        managers_of_a(200),
        url_values={"board_id": "{toc_board_id}"},
    ),
    ("exports.toc_workbook", "POST"): Route(
        managers_of_a(202), {}, url_values={"board_id": "{toc_board_id}"}
    ),
    ("exports.logframe", "GET"): Route(
        managers_of_a(200),
        url_values={"board_id": "{toc_board_id}"},
    ),
    ("reports.show", "GET"): Route(
        viewers_of_a(200),
        url_values={"board_id": "{report_board_id}"},
    ),
    ("reports.pdf", "GET"): Route(
        viewers_of_a(200),
        url_values={"board_id": "{report_board_id}"},
    ),
    ("reports.docx", "GET"): Route(
        viewers_of_a(200),
        url_values={"board_id": "{report_board_id}"},
    ),
    ("reports.pdf", "POST"): Route(
        viewers_of_a(202), {}, url_values={"board_id": "{report_board_id}"}
    ),
    ("reports.docx", "POST"): Route(
        viewers_of_a(202), {}, url_values={"board_id": "{report_board_id}"}
    ),
    ("reports.create_link", "POST"): Route(
        managers_of_a("/boards/"),
        {"lang": "en"},
        url_values={"board_id": "{report_board_id}"},
    ),
    ("reports.revoke_link", "POST"): Route(
        managers_of_a("/boards/"),
        {},
        url_values={"board_id": "{report_board_id}"},
    ),
    # The report's period and approval (issue 16): its managers only.
    ("reports.set_period", "POST"): Route(
        managers_of_a("/boards/"),
        {"period_from": "2026-01-01", "period_to": "2026-12-31"},
        url_values={"board_id": "{report_board_id}"},
    ),
    ("reports.approve", "POST"): Route(
        managers_of_a("/boards/"),
        {},
        url_values={"board_id": "{report_board_id}"},
    ),
    ("reports.reopen", "POST"): Route(
        managers_of_a("/boards/"),
        {},
        url_values={"board_id": "{report_board_id}"},
    ),
    # The public page of a report: anyone with the link, logged in or not.
    ("reports.public", "GET"): Route(expect(200), url_values={"token": "{report_token}"}),
    ("review.show", "GET"): Route(managers_of_a(200)),
    ("review.at", "GET"): Route(
        managers_of_a(200),
        url_values={"seq": "0"},
    ),
    ("review.take", "POST"): Route(
        managers_of_a("/boards/"),
        {"name": "Fine della fase"},
    ),
    ("search.show", "GET"): Route(accounts_only(200)),
    ("dashboard.index", "GET"): Route(
        accounts_only(200)
    ),  # each sees only the projects they manage
    ("dashboard.project_archive", "GET"): Route(managers_of_a(200)),
    ("dashboard.project_archive", "POST"): Route(managers_of_a(202), {}),
    # A job nobody started is unknown to everyone; who may follow a started one: tests/web/test_jobs.py.
    ("jobs.status", "GET"): Route(expect(404), url_values={"job_id": "j0"}),
    ("jobs.file", "GET"): Route(expect(404), url_values={"job_id": "j0"}),
    ("registry.export_csv", "GET"): Route(managers_of_a(200)),
    ("registry.import_page", "GET"): Route(managers_of_a(200)),
    ("registry.import_csv", "POST"): Route(managers_of_a(400), {}),  # no file: the form says so
    ("registry.positions", "GET"): Route(
        expect(
            LOGIN, participant_a=404, observer_a=404, participant_b=403, users=404, conductor_b=403
        )
    ),
    ("accounts.index", "GET"): Route(organizer_only(200)),
    ("accounts.index", "POST"): Route(
        organizer_only("/accounts/"),
        {
            "name": "Nina",
            "email": "nina@example.org",
            "role": "conductor",
            "password": "long-enough-1",
        },
    ),
    ("accounts.toggle_active", "POST"): Route(organizer_only("/accounts/"), {}),
    # rooms and the conductor: attendance is for organizers only
    ("rooms.attendance", "GET"): Route(organizer_only(200)),
    ("labs.index", "GET"): Route(organizer_only(200)),
    ("labs.index", "POST"): Route(
        organizer_only("/labs/"),
        {"title": "Laboratorio", "meetings": "2026-03-12 Contesto", "projects": "{project_id}"},
    ),
    # the practice library: account holders read it; whoever added a material, and organizers,
    # change it; a project's managers attach to it and share its case history (project B's here)
    ("library.index", "GET"): Route(accounts_only(200)),
    ("library.new_material", "GET"): Route(accounts_only(200)),
    ("library.new_material", "POST"): Route(
        accounts_only("/library/materials/"),
        {
            "title": "Linee guida",
            "kind": "methodological",
            "language": "it",
            "url": "https://example.org/g",
        },
    ),
    ("library.material", "GET"): Route(accounts_only(200)),
    ("library.material_file", "GET"): Route(accounts_only(404)),  # a link, not a file
    ("library.edit_material", "GET"): Route(managers_of_a(200)),
    ("library.edit_material", "POST"): Route(
        managers_of_a("/library/materials/"),
        {
            "title": "Regolamento 2",
            "kind": "normative",
            "language": "it",
            "url": "https://example.org/r2",
        },
    ),
    ("library.delete_material", "POST"): Route(managers_of_a("/library/"), {}),
    ("library.attach_project", "POST"): Route(
        managers_of_a("/library/materials/"), {"project_id": "{project_id}"}
    ),
    ("library.detach_project", "POST"): Route(managers_of_a("/library/materials/"), {}),
    ("library.attach_lab", "POST"): Route(
        organizer_only("/library/materials/"), {"lab_id": "{lab_id}"}
    ),
    ("library.detach_lab", "POST"): Route(organizer_only("/library/materials/"), {}),
    ("library.case_list", "GET"): Route(accounts_only(200)),
    ("library.publish_case", "GET"): Route(managers_of_a(200)),
    ("library.publish_case", "POST"): Route(
        managers_of_a(200), {"title": "Caso A"}
    ),  # A is not closed: the form says so
    ("library.case", "GET"): Route(accounts_only(200)),
    ("library.case_board_svg", "GET"): Route(accounts_only(200)),
    ("library.case_board_json", "GET"): Route(accounts_only(200)),
    ("library.unpublish_case", "POST"): Route(
        expect(
            LOGIN,
            participants=403,
            conductor_a=403,
            conductor_b="/library/cases/",
            organizer="/library/cases/",
        ),
        {},
    ),
    # registration for a lab: the form and the personal link are public; the desk is organizers'
    ("registration.register", "GET"): Route(expect(200)),
    # New or known address, the same answer: "look for our e-mail" (issue 19).
    ("registration.register", "POST"): Route(
        expect("/labs/"), {"name": "Zeno", "email": "zeno@example.org"}
    ),
    ("registration.sent", "GET"): Route(expect(200)),
    ("registration.mine", "GET"): Route(expect(200), url_values={"token": "{registration_token}"}),
    ("registration.cancel", "POST"): Route(
        expect("/registration/"), {}, url_values={"token": "{registration_token}"}
    ),
    ("registration.enter", "POST"): Route(
        expect("/boards/"), {}, url_values={"token": "{registration_token}"}
    ),
    ("registration.desk", "GET"): Route(organizer_only(200)),
    ("registration.registrations_csv", "GET"): Route(organizer_only(200)),
    ("registration.set_places", "POST"): Route(organizer_only("/labs/"), {"places": "3"}),
    ("registration.close", "POST"): Route(organizer_only("/labs/"), {}),
    ("registration.remove", "POST"): Route(organizer_only("/labs/"), {}),
    # the verbale of a meeting (issue 17): its managers; the attendee's page is a personal link
    ("verbale.of_meeting", "GET"): Route(managers_of_a(404), url_values={"meeting_id": "999999"}),
    ("verbale.of_meeting", "POST"): Route(
        managers_of_a(404), {}, url_values={"meeting_id": "999999"}
    ),
    ("verbale.of_session", "GET"): Route(managers_of_a("/projects/")),
    ("verbale.of_session", "POST"): Route(managers_of_a("/projects/"), {}),
    ("verbale.show", "GET"): Route(managers_of_a(200)),
    ("verbale.show", "POST"): Route(managers_of_a("/projects/"), {"place": "Sala consiliare"}),
    ("verbale.send", "POST"): Route(managers_of_a("/projects/"), {"until": "2099-01-01"}),
    ("verbale.approve", "POST"): Route(managers_of_a("/projects/"), {}),
    ("verbale.correct", "POST"): Route(managers_of_a("/projects/"), {"reason": "Orario sbagliato"}),
    ("verbale.revoke", "POST"): Route(managers_of_a(404), {}, url_values={"link_id": "999999"}),
    ("verbale.download", "GET"): Route(managers_of_a(200), url_values={"fmt": "docx"}),
    ("verbale.download", "POST"): Route(managers_of_a(202), {}, url_values={"fmt": "pdf"}),
    ("verbale.review", "GET"): Route(
        expect(404), url_values={"token": "not-a-token-of-ours-at-all"}
    ),
    ("verbale.review", "POST"): Route(
        expect(404), {"text": "x"}, url_values={"token": "not-a-token-of-ours-at-all"}
    ),
    # the monitoring calendar (issue 17): its managers; the owner's form is behind the personal link
    ("monitoring.calendar", "GET"): Route(managers_of_a(200)),
    ("monitoring.sync", "POST"): Route(managers_of_a("/projects/"), {}),
    ("monitoring.send_link", "POST"): Route(managers_of_a(400), {}),  # no address: the form says so
    ("monitoring.revoke_link", "POST"): Route(managers_of_a("/projects/"), {}),
    ("monitoring.measure", "GET"): Route(expect(200), url_values={"token": "{measurement_token}"}),
    # An empty form: refused with its errors, nothing stored, for whoever holds the link.
    ("monitoring.measure", "POST"): Route(
        expect(400), {}, url_values={"token": "{measurement_token}"}
    ),
}

CASES = [
    pytest.param(endpoint, method, who, id=f"{endpoint}-{method}-{who}")
    for (endpoint, method) in MATRIX
    for who in PRINCIPALS
]


def test_every_route_is_in_the_matrix(app):
    routes = set(routes_of(app))
    assert sorted(routes - set(MATRIX)) == [], "add these routes to the access matrix"
    assert sorted(set(MATRIX) - routes) == [], "these matrix entries name no route"


def fill(data: dict, targets: dict) -> dict:
    return {key: str(value).format(**targets) for key, value in data.items()}


@pytest.mark.parametrize(("endpoint", "method", "who"), CASES)
def test_access_matrix(app, client, targets, become, endpoint, method, who):
    route = MATRIX[(endpoint, method)]
    expected = route.expected[who]
    become(who)
    url = route_url(app, endpoint, {**targets, **fill(route.url_values or {}, targets)})
    before = fingerprint()

    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": csrf_token(client), **fill(route.data or {}, targets)}
        response = client.post(url, data=data)

    if isinstance(expected, int):
        assert response.status_code == expected, response.get_data(as_text=True)[-600:]
    else:
        assert response.status_code == 302, response.get_data(as_text=True)[-600:]
        assert response.headers["Location"].startswith(expected), response.headers["Location"]
    if expected in (LOGIN, 403):
        assert fingerprint() == before, "a refused request changed the database"
