"""Sending e-mail with Flask-Mailman (Django's e-mail code, ported to Flask).

A message is rendered in the request that asks for it (:func:`render`: subject, text body and
HTML body, from templates) and handed to :func:`send`, which never raises: it gives the message
to the queue a feature set with :func:`set_queue` (a background task, retried with backoff), or,
without one or while that queue's broker is down, delivers it at once. A delivery that fails is
logged with its recipient and subject, and the request goes on.

Where the mail goes (``MAIL_BACKEND``, Flask-Mailman's setting): ``"smtp"`` once
``MAIL_SERVER`` is set (``FLASK_MAIL_SERVER``), otherwise ``"file"``, a file per message in
``MAIL_FILE_PATH`` (``instance/mail/``), so development needs no mail server. ``"console"``
prints each message to standard output instead.
"""

import logging
import os
import smtplib
from collections.abc import Callable
from typing import Any, TypedDict

from flask import Flask, current_app, render_template
from flask_mailman import EmailMultiAlternatives

from .extensions import mail

logger = logging.getLogger(__name__)


class OutgoingEmail(TypedDict):
    """A rendered message, plain JSON so that a task can carry it: the recipient's address, the
    subject line, and the text and HTML bodies."""

    to: str
    subject: str
    text: str
    html: str


#: Takes a message and queues it for delivery; raises when the queue cannot take it.
Queue = Callable[[OutgoingEmail], None]

#: What a failed delivery raises: the SMTP server refused, or the network failed (a timeout
#: included: ``MAIL_TIMEOUT`` seconds per SMTP operation), or the mail folder is not writable.
DELIVERY_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


def init_app(app: Flask, production: bool = False) -> None:
    """Choose the backend (see the module docstring) and bind Flask-Mailman to ``app``; in
    ``production``, warn when the mail is only written to files."""
    app.config.setdefault("MAIL_FILE_PATH", os.path.join(app.instance_path, "mail"))
    if not app.config.get("MAIL_BACKEND"):
        app.config["MAIL_BACKEND"] = "smtp" if app.config.get("MAIL_SERVER") else "file"
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] == "file" and production:
        app.logger.warning(
            "FLASK_MAIL_SERVER is unset: e-mail is written to %s, not sent",
            app.config["MAIL_FILE_PATH"],
        )


def set_queue(app: Flask, queue: Queue) -> None:
    """Make ``queue`` the way :func:`send` delivers ``app``'s mail (a feature's ``init_app``
    calls this; a background-task feature passes a function that queues a task)."""
    app.extensions["mail_queue"] = queue


def render(template: str, to: str, subject: str, **context: Any) -> OutgoingEmail:
    """Render ``<template>.txt.jinja`` (plain text, so not HTML-escaped: Flask escapes only
    ``.html`` and its kin) and ``<template>.html`` into a message to ``to``.

    Args:
        template: the templates' path without the extension, e.g. ``"auth/email/confirm"``.
        to: the recipient's address.
        subject: the subject line; the app's name is put in front of it.
        **context: the templates' variables (``to`` and ``subject`` are added).
    """
    context = {**context, "to": to, "subject": subject}
    return OutgoingEmail(
        to=to,
        subject=f"{current_app.config['APP_NAME']}: {subject}",
        text=render_template(f"{template}.txt.jinja", **context),
        html=render_template(f"{template}.html", **context),
    )


def deliver(message: OutgoingEmail) -> None:
    """Send ``message`` through the configured backend now, from ``MAIL_DEFAULT_SENDER``.

    Raises:
        smtplib.SMTPException: the SMTP server refused the message or the login.
        OSError: no connection, a timeout, or (file backend) a folder that cannot be written.
    """
    email = EmailMultiAlternatives(message["subject"], message["text"], to=[message["to"]])
    email.attach_alternative(message["html"], "text/html")
    email.send()
    backend = current_app.config["MAIL_BACKEND"]
    where = current_app.config["MAIL_FILE_PATH"] if backend == "file" else backend
    logger.info("e-mail %r to %s sent (%s)", message["subject"], message["to"], where)


def send(message: OutgoingEmail) -> bool:
    """Queue ``message``, or deliver it now; never raises.

    Returns:
        Whether the message was queued or delivered. ``False`` means it was not, and the
        reason is logged (a page still answers as if it went: the visitor can ask again).
    """
    queue: Queue | None = current_app.extensions.get("mail_queue")
    if queue is not None:
        try:
            queue(message)
            return True
        # Any failure of the broker (its client raises its own types): deliver it here instead.
        except Exception as error:
            logger.warning("mail queue unavailable (%s): sending at once", first_line(error))
    try:
        deliver(message)
    except DELIVERY_ERRORS as error:
        logger.error(
            "e-mail %r to %s not sent: %s", message["subject"], message["to"], first_line(error)
        )
        return False
    return True


def first_line(error: BaseException) -> str:
    """``"<type>: <first line of the message>"``, for a one-line log entry."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
