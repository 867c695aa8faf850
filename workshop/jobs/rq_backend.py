"""Jobs on Redis with RQ: any server process asks, the `worker:` processes of the Procfile render,
any server process hands out the file. Same contract as the in-app pool (workshop/jobs)."""

from __future__ import annotations

import redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RqStatus

from workshop.jobs import (
    DONE,
    FAILED,
    JOB_TIMEOUT_S,
    MAX_JOBS_PER_PERSON,
    QUEUED,
    RESULT_TTL_S,
    RUNNING,
    JobRequest,
    JobStatus,
    JobsUnavailable,
    TooManyJobs,
)
from workshop.jobs.tasks import FileResult

REDIS_TIMEOUT_S = 2.0  # Redis on the same network answers in milliseconds; down is down
LIVE = {RqStatus.QUEUED, RqStatus.STARTED, RqStatus.DEFERRED, RqStatus.SCHEDULED, RqStatus.CREATED}
STATES = {
    RqStatus.QUEUED: QUEUED,
    RqStatus.CREATED: QUEUED,
    RqStatus.DEFERRED: QUEUED,
    RqStatus.SCHEDULED: QUEUED,
    RqStatus.STARTED: RUNNING,
    RqStatus.FINISHED: DONE,
}


class RqJobs:
    name = "rq"

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self.connection = redis.Redis.from_url(
            redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self.queue = Queue(queue_name, connection=self.connection)

    def _fetch(self, job_id: str) -> Job | None:
        try:
            return Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return None
        except redis.RedisError as error:
            raise JobsUnavailable(str(error)) from error

    def submit(self, request: JobRequest) -> str:
        # RQ's job ids are global to a Redis server: two deployments (or a test run) sharing one
        # must not hand out each other's files, so the id carries the queue's name.
        job_id = f"{self.queue.name}-{request.job_id}"
        job = self._fetch(job_id)
        if job is not None and job.get_status() in LIVE | {RqStatus.FINISHED}:
            return job_id
        try:
            owned = f"{self.queue.name}:owner:{request.owner}"
            busy = 0
            for member in self.connection.smembers(owned):
                other = self._fetch(member.decode())
                if other is not None and other.get_status() in LIVE:
                    busy += 1
                else:
                    self.connection.srem(owned, member)
            if busy >= MAX_JOBS_PER_PERSON:
                raise TooManyJobs(busy)
            if job is not None:
                job.delete()  # a failed or stopped try: asked again, it runs again
            self.queue.enqueue_call(
                "workshop.jobs.worker.run",
                args=(request.task, request.kwargs, request.lang),
                job_id=job_id,
                timeout=JOB_TIMEOUT_S,
                result_ttl=RESULT_TTL_S,
                failure_ttl=RESULT_TTL_S,
                meta={"task": request.task, "kwargs": request.kwargs},
            )
            self.connection.sadd(owned, job_id)
            self.connection.expire(owned, RESULT_TTL_S)
        except redis.RedisError as error:
            raise JobsUnavailable(str(error)) from error
        return job_id

    def status(self, job_id: str) -> JobStatus | None:
        job = self._fetch(job_id)
        if job is None:
            return None
        state = STATES.get(job.get_status(), FAILED)
        return JobStatus(job_id, state, job.meta.get("task", ""), job.meta.get("kwargs", {}))

    def result(self, job_id: str) -> FileResult | None:
        job = self._fetch(job_id)
        if job is None or job.get_status() != RqStatus.FINISHED:
            return None
        return job.return_value()

    def error(self, job_id: str) -> BaseException | None:
        return None  # the worker's log has the traceback

    def check(self) -> None:
        """Redis answers and at least one worker listens to the queue."""
        try:
            self.connection.ping()
            workers = Worker.count(connection=self.connection, queue=self.queue)
        except redis.RedisError as error:
            raise JobsUnavailable(f"Redis: {error}") from error
        if not workers:
            raise JobsUnavailable("no RQ worker listens to the queue (Procfile: worker:)")

    def shutdown(self) -> None:
        self.connection.close()
