"""Runs the steps of an acceptance criterion (ACCEPTANCE.md) against the app, in process.

Each test gets a fresh database. With sign-in, an admin account is registered first (the first account
becomes admin); an actor of another role is registered and, unless it is the default role, given its
role by the admin. Step values "{alias.field}" refer to responses saved by earlier steps.
"""

import io
import json
import os
import re
import tempfile
import unittest
from pathlib import Path

# Password hashing strength is irrelevant to these tests and dominates their run time.
os.environ.setdefault("APP_PASSWORD_ITERATIONS", "1000")

from app.main import create_app

PLACEHOLDER = re.compile(r"\{(\w+)\.(\w+)\}")
PASSWORD = "acceptance-password"


class AcceptanceCase(unittest.TestCase):
    AUTH = False  # the generated test module says whether the app has sign-in

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.app = create_app(str(Path(self.directory.name) / "test.db"))
        self.saved, self.tokens = {}, {}
        if self.AUTH:
            self.tokens["admin"] = self._account("admin")

    def tearDown(self):
        self.directory.cleanup()

    def call(self, method, path, body=None, token=None):
        path, _, query = path.partition("?")
        payload = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload),
            "SERVER_NAME": "test",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        captured = {}
        chunks = self.app(environ, lambda status, headers: captured.update(status=int(status.split()[0])))
        raw = b"".join(chunks)
        return captured["status"], json.loads(raw) if raw else None

    def _account(self, role):
        email = f"{role}@acceptance.test"
        status, user = self.call("POST", "/auth/register", {"email": email, "password": PASSWORD, "name": role})
        self.assertEqual(status, 201, user)
        if user["role"] != role:
            status, user = self.call("PATCH", f"/users/{user['id']}", {"role": role}, self.tokens["admin"])
            self.assertEqual(status, 200, user)
        status, session = self.call("POST", "/auth/login", {"email": email, "password": PASSWORD})
        self.assertEqual(status, 200, session)
        return session["token"]

    def token(self, actor):
        if actor == "anonymous" or not self.AUTH:
            return None
        if actor not in self.tokens:
            self.tokens[actor] = self._account(actor)
        return self.tokens[actor]

    def resolve(self, value):
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, str):
            whole = PLACEHOLDER.fullmatch(value)
            if whole:
                return self.saved[whole.group(1)][whole.group(2)]
            return PLACEHOLDER.sub(lambda match: str(self.saved[match.group(1)][match.group(2)]), value)
        return value

    def run_steps(self, steps):
        for number, step in enumerate(steps, 1):
            request, expect = step["request"], self.resolve(step["expect"])
            status, body = self.call(
                request["method"],
                self.resolve(request["path"]),
                self.resolve(request.get("body")),
                self.token(step["as"]),
            )
            where = f"step {number}: {request['method']} {request['path']} as {step['as']} answered {status} {body}"
            self.assertEqual(status, expect["status"], where)
            for field, value in expect.get("body", {}).items():
                self.assertEqual(body.get(field), value, f"{where}: {field}")
            if "contains" in expect:
                wanted = expect["contains"]
                found = [item for item in body["items"] if all(item.get(k) == v for k, v in wanted.items())]
                self.assertTrue(found, f"{where}: no item with {wanted}")
            if "error_field" in expect:
                self.assertEqual(body["error"].get("field"), expect["error_field"], where)
            for field in expect.get("not_null", []):
                self.assertIsNotNone(body.get(field), f"{where}: {field} is empty")
            if "save" in step:
                self.saved[step["save"]] = body
