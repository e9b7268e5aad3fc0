"""SQLite: one file, foreign keys on, rows as dicts."""

import sqlite3
from datetime import UTC, datetime


def connector(path):
    def connect():
        connection = sqlite3.connect(path)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    return connect


def migrate(path, schema):
    connection = sqlite3.connect(path)
    try:
        connection.executescript(schema)
        connection.commit()
    finally:
        connection.close()


def now():
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def today():
    return datetime.now(UTC).date().isoformat()


def quote(identifier):
    return '"' + identifier.replace('"', '""') + '"'
