"""The MongoDB client extension."""

from threading import Lock
from typing import Any

from flask import Flask, current_app
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError
from pymongo.uri_parser import parse_uri

from ..config import ConfigError


class Mongo:
    """A PyMongo client per app, built from ``MONGODB_URI`` (whose path names the database).

    ``init_app`` only checks the URI; the client is made on first use, so an app that never
    touches MongoDB holds no client (and no pool threads), and each gunicorn worker makes its
    own after the fork. Even then nothing connects until the first operation, so the app starts
    while MongoDB is down. ``MONGODB_TIMEOUT_MS`` bounds server selection, connecting and each
    reply. Use ``mongo.db`` inside an app context, and ``mongo.close(app)`` when an app is
    discarded.
    """

    def __init__(self) -> None:
        self._lock = Lock()

    def init_app(self, app: Flask) -> None:
        """Check ``MONGODB_URI`` and bind this extension to ``app``.

        Raises:
            ConfigError: the URI cannot be parsed or names no database.
        """
        try:
            database = parse_uri(app.config["MONGODB_URI"])["database"]
        except ConfigurationError as error:  # InvalidURI is a ConfigurationError too
            raise ConfigError(f"MONGODB_URI cannot be used: {error}") from None
        if not database:
            raise ConfigError(
                "MONGODB_URI cannot be used: it names no database; "
                "e.g. mongodb://127.0.0.1:27017/app"
            )
        app.extensions["mongo"] = {"client": None}

    @property
    def client(self) -> MongoClient[dict[str, Any]]:
        """The current app's client, made on first use."""
        state = current_app.extensions["mongo"]
        with self._lock:
            if state["client"] is None:
                timeout = current_app.config["MONGODB_TIMEOUT_MS"]
                state["client"] = MongoClient(
                    current_app.config["MONGODB_URI"],
                    connect=False,
                    serverSelectionTimeoutMS=timeout,
                    connectTimeoutMS=timeout,
                    # A server that stops answering on an open connection fails the call
                    # (503) instead of holding the request: PyMongo waits forever by default.
                    socketTimeoutMS=timeout,
                    tz_aware=True,
                )
        client: MongoClient[dict[str, Any]] = state["client"]
        return client

    @property
    def db(self) -> Database[dict[str, Any]]:
        """The database named in ``MONGODB_URI``."""
        return self.client.get_default_database()

    def close(self, app: Flask) -> None:
        """Close ``app``'s client, if one was made; a later use makes a new one."""
        state = app.extensions["mongo"]
        with self._lock:
            client, state["client"] = state["client"], None
        if client is not None:
            client.close()


mongo = Mongo()
