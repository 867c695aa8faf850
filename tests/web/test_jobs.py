"""Heavy downloads as jobs (workshop/jobs): started by POST, followed by polling, the file handed
out by id; cached per board seq; at most MAX_JOBS_PER_PERSON at once; rights checked at each step.
The real worker processes are exercised in tests/reliability/test_jobs_real_server.py."""

from __future__ import annotations

import io
from concurrent.futures import Future

import pytest
from pypdf import PdfReader

from tests.conftest import csrf_token
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.jobs import MAX_JOBS_PER_PERSON, InlineJobs, JobRequest, jobs_of


def _board(world, kind="context"):
    return next(b for b in world.project_a.boards if b.kind.value == kind)


def _add(board_id, item_id, text):
    change = parse_change(
        {
            "board_id": board_id,
            "change_id": f"t-{item_id}",
            "client_id": "t",
            "ops": [
                {
                    "op": "create",
                    "id": item_id,
                    "type": "problem",
                    "fields": {"text": text, "x": 0, "y": 0},
                }
            ],
        }
    )
    service.apply_change(db.session, change, Actor("u:1", "Olga", True))


def _start(client, url):
    return client.post(
        url, headers={"X-CSRFToken": csrf_token(client), "Accept": "application/json"}
    )


class PendingJobs(InlineJobs):
    """Jobs that stay queued until the test lets them finish: a busy pool."""

    def __init__(self) -> None:
        super().__init__(0, {})
        self.pending: list[tuple[Future, JobRequest]] = []

    def _start(self, request):
        future: Future = Future()
        self.pending.append((future, request))
        return future


def test_a_started_job_is_followed_then_downloaded(client, world, become):
    board = _board(world)
    _add(board.id, "p1", "Solitudine degli anziani")
    become("conductor_a")
    started = _start(client, f"/boards/{board.id}/export.pdf")
    assert started.status_code == 202
    job = started.get_json()
    status = client.get(job["status_url"], headers={"Accept": "application/json"})
    assert status.get_json() == {"id": job["id"], "state": "done", "file_url": job["file_url"]}
    assert status.headers["Cache-Control"] == "no-store"
    pdf = client.get(job["file_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert "Solitudine" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()


def test_the_same_file_is_one_job_until_the_board_changes(client, world, become):
    board = _board(world)
    _add(board.id, "p1", "Prima")
    db.session.commit()
    become("conductor_a")
    first = _start(client, f"/boards/{board.id}/export.png").get_json()["id"]
    assert _start(client, f"/boards/{board.id}/export.png").get_json()["id"] == first  # cached
    assert (
        _start(client, f"/boards/{board.id}/export.pdf").get_json()["id"] != first
    )  # another format
    _add(board.id, "p2", "Seconda")
    db.session.commit()
    assert _start(client, f"/boards/{board.id}/export.png").get_json()["id"] != first  # a new seq


def test_one_person_has_at_most_the_limit_of_jobs_at_once(app, client, world, become):
    jobs = PendingJobs()
    app.extensions["workshop_jobs"] = jobs
    boards = [b for b in world.project_a.boards][: MAX_JOBS_PER_PERSON + 1]
    become("conductor_a")
    for board in boards[:MAX_JOBS_PER_PERSON]:
        assert _start(client, f"/boards/{board.id}/export.pdf").status_code == 202
    over = _start(client, f"/boards/{boards[-1].id}/export.pdf")
    assert over.status_code == 429
    assert "già" in over.get_json()["message"]  # Italian, and no code: a sentence
    # The same request as a plain link says so on a page.
    page = client.get(f"/boards/{boards[-1].id}/export.pdf")
    assert page.status_code == 429 and "già" in page.get_data(as_text=True)
    # Asking again for a file already being prepared joins that job: no new one.
    assert _start(client, f"/boards/{boards[0].id}/export.pdf").status_code == 202
    # Once one finishes, there is room again.
    future, request = jobs.pending[0]
    future.set_running_or_notify_cancel()
    future.set_exception(RuntimeError("boom"))
    assert _start(client, f"/boards/{boards[-1].id}/export.pdf").status_code == 202


def test_someone_else_is_not_limited_by_my_jobs(app, client, world, become, auth):
    app.extensions["workshop_jobs"] = PendingJobs()
    boards = list(world.project_a.boards)
    become("conductor_a")
    for board in boards[:MAX_JOBS_PER_PERSON]:
        _start(client, f"/boards/{board.id}/export.pdf")
    auth.logout()
    become("organizer")
    assert _start(client, f"/boards/{boards[-1].id}/export.pdf").status_code == 202


def test_a_failed_job_says_so_and_can_be_asked_again(app, client, world, become):
    jobs = PendingJobs()
    app.extensions["workshop_jobs"] = jobs
    board = _board(world)
    become("conductor_a")
    job = _start(client, f"/boards/{board.id}/export.pdf").get_json()
    assert client.get(job["status_url"]).get_json()["state"] == "queued"
    assert client.get(job["file_url"]).status_code == 503  # not ready yet
    future, _request = jobs.pending[0]
    future.set_running_or_notify_cancel()
    future.set_exception(RuntimeError("cairo crashed"))
    status = client.get(job["status_url"]).get_json()
    assert status["state"] == "failed" and "cairo" not in status["message"]
    assert client.get(job["file_url"]).status_code == 500
    assert _start(client, f"/boards/{board.id}/export.pdf").status_code == 202
    assert len(jobs.pending) == 2  # asked again, it ran again


@pytest.mark.parametrize("who", ["anonymous", "participant_b", "conductor_b"])
def test_nobody_else_follows_or_downloads_a_job(app, make_app, world, become, auth, client, who):
    board = _board(world, "social_reporting")
    become("participant_a")
    job = _start(client, f"/boards/{board.id}/report.pdf").get_json()
    auth.logout()
    become(who)
    for url in (job["status_url"], job["file_url"]):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        assert b"%PDF" not in response.data


def test_the_project_zip_with_attendance_is_not_handed_to_a_conductor_of_another_project(
    client, world, become, auth
):
    become("organizer")
    job = _start(client, f"/projects/{world.project_a.id}/export.zip").get_json()
    auth.logout()
    become("conductor_b")
    assert client.get(job["file_url"]).status_code == 403


def test_the_queue_is_chosen_by_configuration(make_app):
    assert jobs_of(make_app()).name == "inline"  # the in-process tests
    assert jobs_of(make_app(JOBS_BACKEND="process")).name == "process"


@pytest.mark.redis
def test_rq_workers_render_what_any_process_asked(make_app, world):
    """WORKSHOP_JOBS=rq: the job waits in Redis until a worker takes it; then the file is there."""
    import secrets

    from rq import SimpleWorker

    from tests.support.services import require_redis
    from workshop.jobs import worker

    url = require_redis()
    app = make_app(
        JOBS_BACKEND="rq", REDIS_URL=url, JOBS_QUEUE=f"tavolo-test-{secrets.token_hex(4)}"
    )
    jobs = jobs_of(app)
    assert jobs.name == "rq"
    client = app.test_client()
    board = next(b for b in world.project_a.boards if b.kind.value == "context")
    from tests.conftest import Auth

    Auth(client).login(world.conductor.email)
    job = _start(client, f"/boards/{board.id}/export.svg").get_json()
    try:
        assert client.get(job["status_url"]).get_json()["state"] == "queued"
        with pytest.raises(Exception, match="no RQ worker"):
            jobs.check()  # nobody listens yet: /healthz says so
        worker.use_app(app)
        assert SimpleWorker([jobs.queue], connection=jobs.connection).work(burst=True)
        assert client.get(job["status_url"]).get_json()["state"] == "done"
        svg = client.get(job["file_url"])
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    finally:
        jobs.queue.fetch_job(job["id"]).delete()
        jobs.queue.empty()
        jobs.queue.delete(delete_jobs=True)


def test_the_workbook_and_the_report_are_new_jobs_when_the_ledger_or_the_period_changes(
    client, world, become
):
    """The logframe workbook reads the co-funding ledger and the report reads the record and
    its period: a cached file made before such a change is not handed out after it."""
    from datetime import date
    from decimal import Decimal

    from workshop import ledger
    from workshop.projects import report_links

    stakeholders = _board(world, "stakeholders")
    change = parse_change(
        {
            "board_id": stakeholders.id,
            "change_id": "t-actor",
            "client_id": "t",
            "ops": [
                {
                    "op": "create",
                    "id": "a-comune",
                    "type": "actor",
                    "fields": {"name": "Comune di Lago", "macro_type": "public", "x": 0, "y": 0},
                }
            ],
        }
    )
    service.apply_change(db.session, change, Actor("u:1", "Olga", True))
    db.session.commit()
    become("conductor_a")
    toc = _board(world, "theory_of_change")
    first = _start(client, f"/boards/{toc.id}/theory-of-change.xlsx").get_json()["id"]
    assert _start(client, f"/boards/{toc.id}/theory-of-change.xlsx").get_json()["id"] == first
    ledger.add_line(
        db.session,
        world.project_a.id,
        {"actor_id": "a-comune", "category": "other", "planned_eur": Decimal("1000")},
    )
    db.session.commit()
    assert _start(client, f"/boards/{toc.id}/theory-of-change.xlsx").get_json()["id"] != first

    reporting = _board(world, "social_reporting")
    report = _start(client, f"/boards/{reporting.id}/report.pdf").get_json()["id"]
    assert _start(client, f"/boards/{reporting.id}/report.pdf").get_json()["id"] == report
    report_links.set_period(db.session, reporting, date(2026, 1, 1), date(2026, 12, 31))
    db.session.commit()
    assert _start(client, f"/boards/{reporting.id}/report.pdf").get_json()["id"] != report
