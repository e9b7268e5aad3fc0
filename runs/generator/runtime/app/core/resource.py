"""A resource: a table of records with typed fields, relations and actions, served as JSON CRUD.

Validation follows the spec: required fields, types (string, text, integer, decimal, boolean, date,
datetime, email, enum), unique values (409), relations that must exist (400), actions allowed only
from the states they require (409).
"""

import re
import sqlite3
from datetime import date, datetime

from app.core.db import now, quote, today
from app.core.http import HttpError

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Field:
    def __init__(self, name, type, *, required=False, unique=False, values=(), default=None):
        self.name, self.type, self.required, self.unique = name, type, required, unique
        self.values, self.default = tuple(values), default

    def clean(self, value):
        """The value to store, or HttpError 400 naming the field."""
        if value is None:
            if self.required:
                raise HttpError(400, "validation_error", f"{self.name} is required.", self.name)
            return None
        kind, ok = self.type, True
        if kind in ("string", "text"):
            ok = isinstance(value, str) and (kind == "text" or len(value) <= 500)
        elif kind == "email":
            ok = isinstance(value, str) and bool(EMAIL.match(value))
        elif kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "decimal":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "enum":
            ok = value in self.values
        elif kind == "date":
            ok = isinstance(value, str) and _parses(date.fromisoformat, value)
        elif kind == "datetime":
            ok = isinstance(value, str) and _parses(datetime.fromisoformat, value.replace("Z", "+00:00"))
        if not ok:
            expected = f"one of {', '.join(self.values)}" if kind == "enum" else f"a valid {kind}"
            raise HttpError(400, "validation_error", f"{self.name} must be {expected}.", self.name)
        return int(value) if kind == "boolean" else value

    def output(self, value):
        return bool(value) if self.type == "boolean" and value is not None else value


def _parses(parser, value):
    try:
        parser(value)
    except ValueError:
        return False
    return True


class Relation:
    def __init__(self, name, table, *, required=False):
        self.name, self.table, self.required = name, table, required
        self.column = f"{name}_id"


class Action:
    def __init__(self, name, *, sets, requires=None):
        self.name, self.sets, self.requires = name, sets, requires or {}


class Resource:
    def __init__(self, name, table, *, fields, relations=(), actions=()):
        self.name, self.table = name, table
        self.fields = {field.name: field for field in fields}
        self.relations = {relation.column: relation for relation in relations}
        self.actions = {action.name: action for action in actions}

    # -- reading ----------------------------------------------------------------------------------

    def to_dict(self, row):
        record = {"id": row["id"]}
        record.update({name: field.output(row[name]) for name, field in self.fields.items()})
        record.update({column: row[column] for column in self.relations})
        record.update(created_at=row["created_at"], updated_at=row["updated_at"])
        return record

    def fetch(self, db, record_id):
        row = db.execute(f"SELECT * FROM {quote(self.table)} WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise HttpError(404, "not_found", f"No {self.name} with id {record_id}.")
        return row

    # -- validation -------------------------------------------------------------------------------

    def _values(self, db, data, *, partial, record_id=None):
        unknown = sorted(set(data) - set(self.fields) - set(self.relations))
        if unknown:
            raise HttpError(400, "validation_error", f"Unknown field {unknown[0]}.", unknown[0])
        values = {}
        for name, field in self.fields.items():
            if name in data:
                values[name] = field.clean(data[name])
            elif not partial:
                values[name] = field.clean(field.default)
        for column, relation in self.relations.items():
            if column in data:
                values[column] = self._reference(db, relation, data[column])
            elif not partial:
                values[column] = self._reference(db, relation, None)
        for name, value in values.items():
            field = self.fields.get(name)
            if field is not None and field.unique and value is not None:
                clash = db.execute(
                    f"SELECT id FROM {quote(self.table)} WHERE {quote(name)} = ? AND id != ?", (value, record_id or 0)
                ).fetchone()
                if clash:
                    raise HttpError(409, "conflict", f"Another {self.name} already has this {name}.", name)
        return values

    def _reference(self, db, relation, value):
        if value is None:
            if relation.required:
                raise HttpError(400, "validation_error", f"{relation.column} is required.", relation.column)
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise HttpError(400, "validation_error", f"{relation.column} must be an id.", relation.column)
        if db.execute(f"SELECT 1 FROM {quote(relation.table)} WHERE id = ?", (value,)).fetchone() is None:
            raise HttpError(400, "validation_error", f"{relation.column} matches nothing.", relation.column)
        return value

    # -- handlers ---------------------------------------------------------------------------------

    def list(self, request):
        page = _positive(request.query.get("page", "1"), "page")
        page_size = _positive(request.query.get("page_size", str(DEFAULT_PAGE_SIZE)), "page_size")
        if page_size > MAX_PAGE_SIZE:
            raise HttpError(400, "validation_error", f"page_size is at most {MAX_PAGE_SIZE}.", "page_size")
        where, params = [], []
        for name, value in request.query.items():
            if name in ("page", "page_size"):
                continue
            if name in self.relations:
                where.append(f"{quote(name)} = ?")
                params.append(_positive(value, name))
            elif name in self.fields and self.fields[name].type == "enum":
                where.append(f"{quote(name)} = ?")
                params.append(self.fields[name].clean(value))
            else:
                raise HttpError(400, "validation_error", f"Cannot filter by {name}.", name)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        table = quote(self.table)
        total = request.db.execute(f"SELECT COUNT(*) FROM {table}{clause}", params).fetchone()[0]
        rows = request.db.execute(
            f"SELECT * FROM {table}{clause} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, page_size, (page - 1) * page_size),
        ).fetchall()
        return 200, {"items": [self.to_dict(row) for row in rows], "page": page, "page_size": page_size, "total": total}

    def create(self, request):
        values = self._values(request.db, request.json(), partial=False)
        stamp = now()
        columns = [*values, "created_at", "updated_at"]
        placeholders = ", ".join("?" * len(columns))
        cursor = request.db.execute(
            f"INSERT INTO {quote(self.table)} ({', '.join(map(quote, columns))}) VALUES ({placeholders})",
            (*values.values(), stamp, stamp),
        )
        return 201, self.to_dict(self.fetch(request.db, cursor.lastrowid))

    def retrieve(self, request, id):
        return 200, self.to_dict(self.fetch(request.db, id))

    def update(self, request, id):
        self.fetch(request.db, id)
        values = self._values(request.db, request.json(), partial=True, record_id=id)
        self._save(request.db, id, values)
        return 200, self.to_dict(self.fetch(request.db, id))

    def delete(self, request, id):
        self.fetch(request.db, id)
        try:
            request.db.execute(f"DELETE FROM {quote(self.table)} WHERE id = ?", (id,))
        except sqlite3.IntegrityError:
            raise HttpError(409, "conflict", f"This {self.name} is still referenced by other records.") from None
        return 204, None

    def action(self, name):
        action = self.actions[name]

        def perform(request, id):
            row = self.fetch(request.db, id)
            for field, allowed in action.requires.items():
                if row[field] not in allowed:
                    raise HttpError(
                        409, "conflict", f"{name} needs {field} to be {' or '.join(map(str, allowed))}.", field
                    )
            computed = {"$now": now, "$today": today}
            values = {field: computed[value]() if value in computed else value for field, value in action.sets.items()}
            self._save(request.db, id, values)
            return 200, self.to_dict(self.fetch(request.db, id))

        return perform

    def _save(self, db, record_id, values):
        values = {**values, "updated_at": now()}
        assignments = ", ".join(f"{quote(column)} = ?" for column in values)
        db.execute(f"UPDATE {quote(self.table)} SET {assignments} WHERE id = ?", (*values.values(), record_id))


def _positive(raw, name):
    if not str(raw).isdigit() or int(raw) < 1:
        raise HttpError(400, "validation_error", f"{name} must be a positive integer.", name)
    return int(raw)
