"""WSGI plumbing: requests, JSON responses, a router with {id} parameters, token and role checks."""

import json
import re
import traceback
from urllib.parse import parse_qs

MAX_BODY_BYTES = 1024 * 1024
REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    500: "Internal Server Error",
}


class HttpError(Exception):
    """Answered as {"error": {"code", "message", "field"?}} with `status`."""

    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def body(self):
        error = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class Request:
    def __init__(self, environ, db):
        self.method = environ["REQUEST_METHOD"].upper()
        self.path = environ.get("PATH_INFO") or "/"
        self.query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.authorization = environ.get("HTTP_AUTHORIZATION", "")
        self.db = db
        self.user = None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            raise HttpError(413, "payload_too_large", f"The body is larger than {MAX_BODY_BYTES} bytes.")
        self.body = environ["wsgi.input"].read(length) if length else b""

    def json(self):
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "validation_error", "The body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise HttpError(400, "validation_error", "The body must be a JSON object.")
        return data

    def bearer_token(self):
        scheme, _, token = self.authorization.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Route:
    def __init__(self, method, path, handler, auth, roles, route_id):
        self.method, self.path, self.handler = method, path, handler
        self.auth, self.roles, self.route_id = auth, roles, route_id
        self.pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[0-9]+)", path) + "/?$")


class Router:
    def __init__(self):
        self.routes = []
        # Set by the auth module when the app has sign-in: request → user dict or None.
        self.authenticate = None

    def add(self, method, path, handler, *, auth=False, roles=(), route_id=None):
        self.routes.append(Route(method, path, handler, auth, tuple(roles), route_id))

    def dispatch(self, request):
        matched = [(route, route.pattern.match(request.path)) for route in self.routes]
        matched = [(route, match) for route, match in matched if match]
        if not matched:
            raise HttpError(404, "not_found", f"No route matches {request.path}.")
        for route, match in matched:
            if route.method == request.method:
                if route.auth:
                    request.user = self.authenticate(request) if self.authenticate else None
                    if request.user is None:
                        raise HttpError(401, "unauthorized", "Sign in first: send Authorization: Bearer <token>.")
                    if route.roles and request.user["role"] not in route.roles:
                        raise HttpError(403, "forbidden", f"The {request.user['role']} role may not do this.")
                params = {name: int(value) for name, value in match.groupdict().items()}
                return route.handler(request, **params)
        raise HttpError(405, "method_not_allowed", f"{request.method} is not allowed on {request.path}.")


def make_wsgi_app(router, connect):
    """A WSGI application: one database connection and transaction per request."""

    def application(environ, start_response):
        db = connect()
        try:
            request = Request(environ, db)
            status, body = router.dispatch(request)
            db.commit()
        except HttpError as error:
            db.rollback()
            status, body = error.status, error.body()
        except Exception:
            db.rollback()
            traceback.print_exc()
            status, body = 500, HttpError(500, "internal_error", "Something went wrong.").body()
        finally:
            db.close()
        payload = b"" if status == 204 else json.dumps(body).encode()
        headers = [("Content-Length", str(len(payload)))]
        if payload:
            headers.append(("Content-Type", "application/json"))
        start_response(f"{status} {REASONS.get(status, '')}", headers)
        return [payload]

    return application
