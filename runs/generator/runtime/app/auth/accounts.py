"""Accounts: registration (the first account becomes admin), login, tokens, roles."""

import hashlib
import hmac
import os
import secrets

from app.auth.config import DEFAULT_ROLE, ROLES
from app.core.db import now
from app.core.http import HttpError
from app.core.resource import EMAIL, Resource

SCHEMA = """
CREATE TABLE IF NOT EXISTS "users" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL UNIQUE COLLATE NOCASE,
    "name" TEXT,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "tokens" (
    "token_hash" TEXT PRIMARY KEY,
    "user_id" INTEGER NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "created_at" TEXT NOT NULL
);
"""
# The acceptance tests lower this (tests/harness.py) so that creating accounts is fast.
ITERATIONS = int(os.environ.get("APP_PASSWORD_ITERATIONS", "200000"))
MIN_PASSWORD = 8


def _hash_password(password, salt=None):
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS).hex()
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest}"


def _password_matches(password, stored):
    _, _, salt, _ = stored.split("$")
    return hmac.compare_digest(_hash_password(password, salt), stored)


def _public(row):
    return {key: row[key] for key in ("id", "email", "name", "role", "created_at", "updated_at")}


def _credentials(data):
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not EMAIL.match(email):
        raise HttpError(400, "validation_error", "email must be a valid email.", "email")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise HttpError(400, "validation_error", f"password must have at least {MIN_PASSWORD} characters.", "password")
    return email, password


def register(request):
    data = request.json()
    email, password = _credentials(data)
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise HttpError(400, "validation_error", "name must be text.", "name")
    db = request.db
    if db.execute('SELECT 1 FROM "users" WHERE "email" = ?', (email,)).fetchone():
        raise HttpError(409, "conflict", "An account with this email exists.", "email")
    first = db.execute('SELECT COUNT(*) FROM "users"').fetchone()[0] == 0
    stamp = now()
    role = "admin" if first and "admin" in ROLES else DEFAULT_ROLE
    cursor = db.execute(
        'INSERT INTO "users" ("email", "name", "role", "password_hash", "created_at", "updated_at") '
        "VALUES (?, ?, ?, ?, ?, ?)",
        (email, name, role, _hash_password(password), stamp, stamp),
    )
    return 201, _public(db.execute('SELECT * FROM "users" WHERE "id" = ?', (cursor.lastrowid,)).fetchone())


def login(request):
    email, password = _credentials(request.json())
    row = request.db.execute('SELECT * FROM "users" WHERE "email" = ?', (email,)).fetchone()
    if row is None or not _password_matches(password, row["password_hash"]):
        raise HttpError(401, "unauthorized", "Wrong email or password.")
    token = secrets.token_urlsafe(32)
    request.db.execute(
        'INSERT INTO "tokens" ("token_hash", "user_id", "created_at") VALUES (?, ?, ?)',
        (hashlib.sha256(token.encode()).hexdigest(), row["id"], now()),
    )
    return 200, {"token": token, "user": _public(row)}


def authenticate(request):
    token = request.bearer_token()
    if token is None:
        return None
    row = request.db.execute(
        'SELECT "users".* FROM "tokens" JOIN "users" ON "users"."id" = "tokens"."user_id" WHERE "token_hash" = ?',
        (hashlib.sha256(token.encode()).hexdigest(),),
    ).fetchone()
    return _public(row) if row else None


def me(request):
    return 200, request.user


USERS = Resource("User", "users", fields=[])


def list_users(request):
    rows = request.db.execute('SELECT * FROM "users" ORDER BY "id" DESC').fetchall()
    return 200, {"items": [_public(row) for row in rows], "page": 1, "page_size": len(rows), "total": len(rows)}


def update_user(request, id):
    row = USERS.fetch(request.db, id)
    role = request.json().get("role")
    if role not in ROLES:
        raise HttpError(400, "validation_error", f"role must be one of {', '.join(ROLES)}.", "role")
    request.db.execute('UPDATE "users" SET "role" = ?, "updated_at" = ? WHERE "id" = ?', (role, now(), row["id"]))
    return 200, _public(USERS.fetch(request.db, id))


def register_routes(router, route_ids):
    """Add the account routes; `route_ids` names them as in ROUTES.md."""
    router.authenticate = authenticate
    router.add("POST", "/auth/register", register, route_id=route_ids.get("register"))
    router.add("POST", "/auth/login", login, route_id=route_ids.get("login"))
    router.add("GET", "/auth/me", me, auth=True, roles=ROLES, route_id=route_ids.get("me"))
    if len(ROLES) > 1:
        router.add("GET", "/users", list_users, auth=True, roles=("admin",), route_id=route_ids.get("users_list"))
        router.add(
            "PATCH", "/users/{id}", update_user, auth=True, roles=("admin",), route_id=route_ids.get("users_update")
        )
