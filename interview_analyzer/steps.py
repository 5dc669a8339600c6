"""The step runner for background jobs (ARCHITECTURE "Jobs", item 6). Floor 0: imports no app.

A job (an analysis, later a retention sweep or an ATS delivery) is a series of steps, and each step's state is a
database row, never a message: a model that inherits ``StepRecord`` (status, attempts, times, the reason shown to
people). A Dramatiq actor loads the row by the object's public id and calls ``run_step``, which is safe to run twice
or after a worker died mid-step:

1. a step that is done is skipped (``True``: the next step may follow); a failed or stopped one stays so (``False``);
2. the ``precondition`` (e.g. CON-4 consent) is checked; a ``Stop`` marks the step and the job stopped;
3. the step is marked running and its attempt counted, then ``work()`` runs inside one transaction with the step row
   locked (``SELECT … FOR UPDATE``), so two deliveries of one message write their results one after the other and an
   interrupted run keeps nothing; the precondition is checked again inside that transaction, so nothing produced
   after, say, a withdrawal is kept;
4. ``work()`` raises ``Failure`` for what went wrong: a retryable one (a timeout, a rate limit) puts the step back to
   pending and raises ``RetryLater``, which the actor lets Dramatiq retry with backoff (``retry_options``), up to
   ``max_attempts``; after that, or for a permanent failure, the step and its job are marked failed with the reason.

The job hears of each transition through a ``Job`` (its own status, the steps after a stop); any other exception
propagates unchanged, leaving the step running for the next delivery.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 4
REASON_MAX_LENGTH = 500

logger = logging.getLogger(__name__)


def _log_fields(step: StepRecord, job: Job | None, **more) -> dict:
    """What a log line says about a step: its kind and name, the job's public id, never its contents (OPS-1)."""
    return {
        "step": f"{type(step).__name__}.{getattr(step, 'name', '')}".rstrip("."),
        "job": getattr(job, "public_id", None),
        "attempt": step.attempts,
        **more,
    }


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", _("Stopped")


UNFINISHED = (StepStatus.PENDING, StepStatus.RUNNING)


class StepRecord(models.Model):
    """The state of one step of one job, as ``run_step`` keeps it. Inherit it; add what identifies the step."""

    Status = StepStatus

    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        abstract = True


class Stop(Exception):
    """A precondition does not hold (no consent, the object is gone): stop the step and its job; keep nothing."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class Failure(Exception):
    """The step's work failed; ``reason`` is shown to people, ``retryable`` says whether a later attempt may pass."""

    def __init__(self, reason: str, *, retryable: bool = False):
        self.reason = reason
        self.retryable = retryable
        super().__init__(reason)


class RetryLater(Exception):
    """Raised by ``run_step`` after a retryable failure: the actor lets Dramatiq retry the message with backoff."""


class Job(Protocol):
    """What the object a step belongs to does when its step changes state (e.g. an analysis and its status).
    Its ``public_id``, when it has one, names the job in log lines."""

    def step_started(self, step: StepRecord) -> None: ...

    def step_done(self, step: StepRecord) -> None:
        """Called inside the step's transaction, after its work."""
        ...

    def step_failed(self, step: StepRecord, reason: str) -> None: ...

    def step_stopped(self, step: StepRecord, reason: str) -> None: ...


def retry_options(max_attempts: int = MAX_ATTEMPTS, *, min_backoff_ms: int = 2_000, max_backoff_ms: int = 120_000):
    """Dramatiq actor options: retry a message with exponential backoff when ``run_step`` raised ``RetryLater``."""
    return {
        "max_retries": max_attempts - 1,
        "min_backoff": min_backoff_ms,
        "max_backoff": max_backoff_ms,
        "retry_when": lambda retries, exception: isinstance(exception, RetryLater) and retries < max_attempts - 1,
    }


def _always() -> None:
    return None


def run_step(
    step: StepRecord,
    work: Callable[[], Any],
    *,
    job: Job | None = None,
    precondition: Callable[[], None] = _always,
    max_attempts: int = MAX_ATTEMPTS,
) -> bool:
    """Run one step (the module docstring says how). True when it is done, now or before; False when it failed or
    stopped. Raises ``RetryLater`` for Dramatiq's backoff after a retryable failure."""
    if step.status == StepStatus.DONE:
        return True
    if step.status in (StepStatus.FAILED, StepStatus.STOPPED):
        return False
    rows = type(step)._base_manager.filter(pk=step.pk)
    try:
        precondition()
    except Stop as stop:
        _stop(step, rows, job, stop.reason)
        return False
    step.attempts += 1
    step.status = StepStatus.RUNNING
    rows.update(status=StepStatus.RUNNING, attempts=step.attempts, started_at=timezone.now(), failure_reason="")
    if job is not None:
        job.step_started(step)
    logger.info("step started", extra=_log_fields(step, job))
    started = time.monotonic()
    try:
        with transaction.atomic():
            rows.select_for_update().get()  # the lock: a second delivery waits for this one's results
            work()
            precondition()  # again, inside the transaction: a change meanwhile keeps nothing of this step
            rows.update(status=StepStatus.DONE, finished_at=timezone.now())
            step.status = StepStatus.DONE
            if job is not None:
                job.step_done(step)
    except Stop as stop:
        _stop(step, rows, job, stop.reason)
        return False
    except Failure as failure:
        if failure.retryable and step.attempts < max_attempts:
            step.status = StepStatus.PENDING
            rows.update(status=StepStatus.PENDING, failure_reason=f"Will retry: {failure.reason}"[:REASON_MAX_LENGTH])
            logger.warning("step will retry", extra=_log_fields(step, job, reason=failure.reason))
            raise RetryLater(failure.reason) from failure
        _fail(step, rows, job, failure.reason)
        return False
    logger.info("step done", extra=_log_fields(step, job, seconds=round(time.monotonic() - started, 3)))
    return True


def _stop(step: StepRecord, rows: models.QuerySet, job: Job | None, reason: str) -> None:
    step.status = StepStatus.STOPPED
    rows.filter(status__in=UNFINISHED).update(
        status=StepStatus.STOPPED, failure_reason=reason[:REASON_MAX_LENGTH], finished_at=timezone.now()
    )
    logger.warning("step stopped", extra=_log_fields(step, job, reason=reason))
    if job is not None:
        job.step_stopped(step, reason)


def _fail(step: StepRecord, rows: models.QuerySet, job: Job | None, reason: str) -> None:
    step.status = StepStatus.FAILED
    rows.update(status=StepStatus.FAILED, failure_reason=reason[:REASON_MAX_LENGTH], finished_at=timezone.now())
    logger.warning("step failed", extra=_log_fields(step, job, reason=reason))
    if job is not None:
        job.step_failed(step, reason)
