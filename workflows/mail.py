"""E-mail leaves the request: every message is sent by the django-tasks worker.

An action queues one job naming what happened (the step it decided, the
tasks it opened); the worker composes the messages from the committed
data (``notifications``) and sends them.  With the database queue the job
is a row written in the action's own transaction, so it exists exactly when
the action committed; a queue outside the database (the immediate backend
of the tests) is handed the job after the commit instead.

A message the mail server refuses is logged and tried again later
(``RETRY_DELAYS``); after the last try it is logged as given up.  Nothing
here raises into an action: the decision stands whatever the mail server
does.  Deadline reminders use the same sender (``reminders``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend

from . import notifications

log = logging.getLogger(__name__)

# Seconds to wait before each retry of a refused message: a minute, five
# minutes, a quarter of an hour, an hour.  Then the message is given up.
RETRY_DELAYS = (60, 300, 900, 3600)


def in_database(job: Any) -> bool:
    """The job's queue is a table of the application's database (django-tasks-db)."""
    return isinstance(job.get_backend(), DatabaseBackend)


def enqueue_with_action(job: Any, *args: Any) -> None:
    """Queue ``job`` so that it runs only if the current transaction commits."""
    if in_database(job):
        job.enqueue(*args)
    else:
        transaction.on_commit(lambda: job.enqueue(*args))


def queue_notices(*, step_id: int | None, task_ids: Sequence[int]) -> None:
    """Tell, after the commit, the submitter of ``step_id`` and whoever holds ``task_ids``."""
    if step_id is None and not task_ids:
        return
    enqueue_with_action(deliver_notices, step_id, list(task_ids))


@task()
def deliver_notices(step_id: int | None, task_ids: list[int]) -> None:
    """The worker's half of ``queue_notices``: the decision first, then the new tasks."""
    messages: list[notifications.Message] = []
    if step_id is not None:
        messages.extend(notifications.step_decided(step_id))
    if task_ids:
        messages.extend(notifications.task_created(task_ids))
    for message in messages:
        send(message.subject, message.body, message.recipients, attempt=1)


@task()
def send_message(subject: str, body: str, recipients: list[str], attempt: int) -> None:
    """One message, tried again (``send``) after an earlier refusal."""
    send(subject, body, recipients, attempt=attempt)


def send(
    subject: str,
    body: str,
    recipients: list[str],
    *,
    attempt: int,
    on_give_up: Callable[[], None] | None = None,
    retry: Any = None,
    retry_args: Sequence[Any] = (),
    deliver: Callable[..., Any] | None = None,
) -> bool:
    """Send one message; on failure log it and queue a later try.  True when it went out.

    ``retry`` is the job that tries again (``send_message`` unless given,
    with ``retry_args`` before the attempt number).  A queue that cannot
    run a job later (the immediate backend) gets no retry; ``on_give_up``
    runs when no try is left.  ``deliver`` stands in for Django's ``send_mail``.
    """
    if not recipients:
        return True
    try:
        (deliver or send_mail)(
            subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False
        )
    except Exception:  # a mail server's refusal takes many shapes; the decision stands
        job: Any = retry or send_message
        args: list[Any] = list(retry_args) if retry is not None else [subject, body, recipients]
        if attempt <= len(RETRY_DELAYS) and job.get_backend().supports_defer:
            delay = RETRY_DELAYS[attempt - 1]
            log.warning(
                "mail %r to %s failed (try %s); retrying in %s s",
                subject,
                recipients,
                attempt,
                delay,
                exc_info=True,
            )
            job.using(run_after=timezone.now() + dt.timedelta(seconds=delay)).enqueue(
                *args, attempt + 1
            )
        else:
            log.error(
                "mail %r to %s failed (try %s); giving up",
                subject,
                recipients,
                attempt,
                exc_info=True,
            )
            if on_give_up is not None:
                on_give_up()
        return False
    return True
