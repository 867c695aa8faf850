"""Heavy downloads through the job queue (workshop/jobs).

A download link works in two ways. Followed plainly (GET), the view starts the job, waits for it
without holding the event loop, and sends the file. The page's small script (static/js/downloads.js)
instead POSTs to the same address, shows a progress bar while it polls /jobs/<id>, then fetches
/jobs/<id>/file. Either way, the rights are checked on every step: whoever polls or downloads a job
must be let into what it renders.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.extensions import socketio
from workshop.jobs import (
    DONE,
    FAILED,
    MAX_JOBS_PER_PERSON,
    JobRequest,
    JobsUnavailable,
    TooManyJobs,
    jobs_of,
)
from workshop.jobs.tasks import FileResult
from workshop.web.downloads import download
from workshop.web.errors import error_response
from workshop.web.security import principal

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

WAIT_POLL_S = 0.1  # a plain GET checks its job this often, sleeping cooperatively in between
WAIT_TIMEOUT_S = 300  # as long as a job may run (JOB_TIMEOUT_S)

# Who may poll or download a job: the same check as the view that started it, by task.
_checks: dict[str, Callable[[dict], None]] = {}


def register_check(task: str, check: Callable[[dict], None]) -> None:
    """`check(kwargs)` aborts (403/404) unless the current person may have this task's file."""
    _checks[task] = check


def lang() -> str:
    return "en" if str(get_locale()) == "en" else "it"


def serve(task: str, version: str, **kwargs):
    """Start (or join) the job for this download; the file (GET) or where to follow it (POST)."""
    who = principal()
    job_request = JobRequest(
        task, kwargs, lang(), version, who.identity if who else request.remote_addr or ""
    )
    jobs = jobs_of(current_app)
    try:
        job_id = jobs.submit(job_request)
    except TooManyJobs:
        message = _(
            "You already have %(count)s files being prepared: "
            "wait until they are ready, then try again.",
            count=MAX_JOBS_PER_PERSON,
        )
        return error_response(429, message)
    except JobsUnavailable:
        current_app.logger.warning("job queue unavailable", exc_info=True)
        return error_response(
            503, _("Files cannot be prepared right now. Try again in a few minutes.")
        )
    if request.method == "POST":
        return jsonify(
            id=job_id,
            status_url=url_for("jobs.status", job_id=job_id),
            file_url=url_for("jobs.file", job_id=job_id),
        ), 202
    deadline = time.monotonic() + WAIT_TIMEOUT_S
    while True:
        status = jobs.status(job_id)
        if status is None or status.state in (DONE, FAILED) or time.monotonic() > deadline:
            break
        socketio.sleep(WAIT_POLL_S)  # yields to the event loop (or the thread, in threading mode)
    return _file_or_error(jobs, job_id)


def _authorised_status(job_id: str):
    jobs = jobs_of(current_app)
    status = jobs.status(job_id)
    if status is None or status.task not in _checks:
        abort(404)
    _checks[status.task](status.kwargs)
    return jobs, status


@bp.get("/<job_id>")
def status(job_id: str):
    """Where a job is: queued, running, done (with the file's address) or failed (with why)."""
    _jobs, state = _authorised_status(job_id)
    body = {"id": job_id, "state": state.state}
    if state.state == DONE:
        body["file_url"] = url_for("jobs.file", job_id=job_id)
    if state.state == FAILED:
        body["message"] = _(
            "The file could not be prepared. Try again; if it fails again, tell the organizers."
        )
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<job_id>/file")
def file(job_id: str):
    jobs, _state = _authorised_status(job_id)
    return _file_or_error(jobs, job_id)


def _file_or_error(jobs, job_id: str):
    result: FileResult | None = jobs.result(job_id)
    if result is None:
        status = jobs.status(job_id)
        if status is not None and status.state == FAILED:
            error = jobs.error(job_id)
            current_app.logger.error("download job %s failed: %r", job_id, error)
            return error_response(
                500,
                _(
                    "The file could not be prepared. "
                    "Try again; if it fails again, tell the organizers."
                ),
            )
        return error_response(503, _("The file is not ready yet. Try again in a moment."))
    return download(result.body, result.mimetype, result.filename)
