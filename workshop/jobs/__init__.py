"""Heavy work off the event loop: PDF, PNG, DOCX, XLSX and ZIP downloads run as jobs.

One server process serves every board of its people from one event loop (gevent): a PDF laid
out on that loop would stop every socket of the process for seconds. So the views hand the work
to a queue and wait without blocking the loop (or let the page poll), and the work runs in
another OS process:

- ``process`` (the default): a small pool of worker processes inside the app, started with the
  'spawn' method (a fork of a gevent-patched process would inherit its hub and sockets). No
  extra service: `bin/run` stays one command. Its jobs and cached files live in the memory of the
  one server process, so use it with a single process.
- ``rq``: workers on Redis (RQ), started by the Procfile's `worker:` line; any server process can
  ask for a job and any other can hand out the file (docs/deploy.md).
- ``inline``: runs the job at once in the asking thread; for the in-process tests only.

A job's id comes from its cache key (what it renders, in which language, at which board seq),
so asking twice for the same file while nothing changed starts one job, and a finished file is
handed out again until it expires. Each person may have at most MAX_JOBS_PER_PERSON jobs
queued or running.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workshop.jobs.tasks import FileResult

if TYPE_CHECKING:
    from flask import Flask

# Two renders at once per person is plenty for a person; more would only let one person take
# every worker of the pool while the others wait.
MAX_JOBS_PER_PERSON = 2
RESULT_TTL_S = 3600  # a finished file is handed out again for an hour while its board is unchanged
JOB_TIMEOUT_S = (
    300  # a render that takes longer than this is stuck: it fails and can be asked again
)
# The process pool keeps at most this many finished files in memory (the oldest go first).
MAX_CACHED_FILES = 64
MAX_CACHED_BYTES = 256 * 1024 * 1024

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class TooManyJobs(Exception):
    """This person has MAX_JOBS_PER_PERSON jobs queued or running already."""


class JobsUnavailable(Exception):
    """The workers cannot be reached (Redis down, no RQ worker, the pool broken)."""


@dataclass(frozen=True)
class JobRequest:
    """What to render: a task of workshop/jobs/tasks.py, its plain arguments and language; the
    version of the data it reads (so the cache key changes with the board); who asks."""

    task: str
    kwargs: dict[str, Any]
    lang: str
    version: str
    owner: str

    @property
    def job_id(self) -> str:
        key = repr((self.task, sorted(self.kwargs.items()), self.lang, self.version))
        return "j" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass
class JobStatus:
    id: str
    state: str
    task: str
    kwargs: dict[str, Any]


@dataclass
class _Entry:
    request: JobRequest
    future: Future
    started: float = field(default_factory=time.monotonic)
    size: int = 0


class PoolJobs:
    """Jobs run by an executor of this process: a spawn-started process pool, or inline."""

    name = "process"

    def __init__(self, workers: int, config_items: dict[str, Any]) -> None:
        self.workers = workers
        self.config_items = config_items
        self._pool: ProcessPoolExecutor | None = None
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            from workshop.jobs import worker

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=worker.init_process,
                initargs=(self.config_items,),
            )
            # Start every worker now (each builds its app once): the next downloads find them
            # ready, instead of one more process starting while people wait.
            for _ in range(self.workers):
                self._pool.submit(worker.ready)
        return self._pool

    def _start(self, request: JobRequest) -> Future:
        from workshop.jobs import worker

        try:
            return self._executor().submit(worker.run, request.task, request.kwargs, request.lang)
        except RuntimeError:  # BrokenProcessPool: a worker died (killed, out of memory); start anew
            self._pool = None
            return self._executor().submit(worker.run, request.task, request.kwargs, request.lang)

    def submit(self, request: JobRequest) -> str:
        """Start the job unless the same one is queued, running or done. Raises TooManyJobs."""
        job_id = request.job_id
        with self._lock:
            self._expire()
            entry = self._entries.get(job_id)
            if entry is not None and not _failed(entry.future):
                self._entries.move_to_end(job_id)
                return job_id
            busy = sum(
                1
                for e in self._entries.values()
                if e.request.owner == request.owner and not e.future.done()
            )
            if busy >= MAX_JOBS_PER_PERSON:
                raise TooManyJobs(busy)
            self._entries[job_id] = _Entry(request, self._start(request))
        return job_id

    def status(self, job_id: str) -> JobStatus | None:
        entry = self._entries.get(job_id)
        if entry is None:
            return None
        future = entry.future
        if not future.done():
            state = RUNNING if future.running() else QUEUED
        else:
            state = FAILED if _failed(future) else DONE
        return JobStatus(job_id, state, entry.request.task, entry.request.kwargs)

    def result(self, job_id: str) -> FileResult | None:
        entry = self._entries.get(job_id)
        if entry is None or not entry.future.done() or _failed(entry.future):
            return None
        return entry.future.result()

    def error(self, job_id: str) -> BaseException | None:
        entry = self._entries.get(job_id)
        return entry.future.exception() if entry is not None and entry.future.done() else None

    def check(self) -> None:
        """The pool starts on demand, so only a broken one counts as down."""
        if self._pool is not None and getattr(self._pool, "_broken", False):
            raise JobsUnavailable("the worker pool is broken; it restarts at the next job")

    def _expire(self) -> None:
        """Drop finished files past their time, then the oldest over the memory bounds."""
        now = time.monotonic()
        total = 0
        for job_id, entry in list(self._entries.items()):
            if entry.future.done():
                if now - entry.started > RESULT_TTL_S:
                    del self._entries[job_id]
                    continue
                if not entry.size and not _failed(entry.future):
                    entry.size = len(entry.future.result().body)
                total += entry.size
        done = [k for k, e in self._entries.items() if e.future.done()]
        while done and (len(done) > MAX_CACHED_FILES or total > MAX_CACHED_BYTES):
            oldest = done.pop(0)
            total -= self._entries.pop(oldest).size

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class InlineJobs(PoolJobs):
    """The job runs at once, in the asking request's app: for the in-process tests."""

    name = "inline"

    def _start(self, request: JobRequest) -> Future:
        from workshop.jobs import worker

        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(worker.run_here(request.task, request.kwargs, request.lang))
        except Exception as error:  # noqa: BLE001 - kept on the future, as a pool would
            future.set_exception(error)
        return future


def _failed(future: Future) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def init_app(app: Flask) -> None:
    """The queue named by WORKSHOP_JOBS, as app.extensions["workshop_jobs"]."""
    backend = app.config["JOBS_BACKEND"]
    if backend == "rq":
        from workshop.jobs.rq_backend import RqJobs

        jobs: Any = RqJobs(app.config["REDIS_URL"], app.config["JOBS_QUEUE"])
    elif backend == "inline":
        jobs = InlineJobs(0, {})
    else:
        jobs = PoolJobs(app.config["JOB_WORKERS"], _config_for_workers(app))
    app.extensions["workshop_jobs"] = jobs


def jobs_of(app: Flask):
    return app.extensions["workshop_jobs"]


def _config_for_workers(app: Flask) -> dict[str, Any]:
    """The app's settings a worker process rebuilds its app from (plain values only)."""
    import pickle

    items = {}
    for key, value in app.config.items():
        if not key.isupper():
            continue
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001,S112 - a setting that cannot travel is rebuilt from the environment
            continue
        items[key] = value
    items["ENV_NAME"] = app.config.get("ENV_NAME", "development")
    return items
