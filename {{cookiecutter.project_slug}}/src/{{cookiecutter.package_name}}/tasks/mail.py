"""Account e-mails delivered by a worker: the request only queues the message.

:func:`deliver_email` retries an SMTP refusal, a timeout or a dropped connection 8 times
with exponential backoff: the n-th retry waits a random time up to 30 x 2^(n-1) seconds, at
most 600 (Celery's ``retry_backoff`` with ``retry_jitter``), so a mail server that is down
for some minutes loses nothing. After the last attempt the failure is in the worker's log with
the recipient and subject. Late acknowledgement (the app-wide
``task_acks_late``) redelivers a message whose worker died mid-send: a recipient may, rarely,
get a message twice, never none.
"""

import logging

from celery import shared_task
from flask import Flask

from .. import mail

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=mail.DELIVERY_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def deliver_email(message: mail.OutgoingEmail) -> None:
    """Send ``message`` (:func:`..mail.deliver`); raises what it raises, to be retried."""
    try:
        mail.deliver(message)
    except mail.DELIVERY_ERRORS as error:
        logger.warning(
            "e-mail %r to %s failed, to be retried: %s",
            message["subject"],
            message["to"],
            mail.first_line(error),
        )
        raise


def queue_email(message: mail.OutgoingEmail) -> None:
    """:data:`..mail.Queue` through the broker.

    Raises:
        kombu.exceptions.OperationalError: the broker cannot take it (``mail.send`` then
            delivers the message at once).
    """
    deliver_email.delay(message)


def init_app(app: Flask) -> None:
    """Make the worker deliver ``app``'s mail."""
    mail.set_queue(app, queue_email)
