"""Real HTTP stand-ins for external services, served on loopback.

The product's real client code (social-auth's requests calls, PyJWT's JWKS client) talks to
these through its configurable base URLs; nothing inside the product is mocked.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class LoopbackServer:
    """Serves `routes[(method, path)] -> handler(request) -> (status, body_dict)` on 127.0.0.1."""

    def __init__(self):
        self.routes = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                request = {
                    "method": self.command,
                    "path": url.path,
                    "query": {key: values[0] for key, values in parse_qs(url.query).items()},
                    "headers": dict(self.headers),
                    "body": body,
                    "form": {key: values[0] for key, values in parse_qs(body).items()},
                }
                server.requests.append(request)
                handler = server.routes.get((self.command, url.path))
                status, payload = handler(request) if handler else (404, {"message": "Not Found"})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class GitHubStandIn(LoopbackServer):
    """GitHub's OAuth endpoints and the two user endpoints social-auth reads."""

    CODE = "good-code"
    ACCESS_TOKEN = "gho_standin_token_1234567890"

    def __init__(self, *, profile: dict, emails: list[dict] | None = None, client_id: str, client_secret: str):
        super().__init__()
        self.profile = profile
        self.emails = emails if emails is not None else []
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_status = 200
        self.routes[("POST", "/login/oauth/access_token")] = self._access_token
        self.routes[("GET", "/api/v3/user")] = self._user
        self.routes[("GET", "/api/v3/user/emails")] = self._emails

    def _access_token(self, request):
        if self.token_status != 200:
            return self.token_status, {"message": "GitHub is having a bad day"}
        form = request["form"]
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return 200, {"error": "incorrect_client_credentials"}
        if form.get("code") != self.CODE:
            return 200, {"error": "bad_verification_code", "error_description": "The code is incorrect or expired."}
        return 200, {"access_token": self.ACCESS_TOKEN, "token_type": "bearer", "scope": "read:user,user:email,repo"}

    def _authorized(self, request) -> bool:
        return request["headers"].get("Authorization") == f"token {self.ACCESS_TOKEN}"

    def _user(self, request):
        return (200, self.profile) if self._authorized(request) else (401, {"message": "Bad credentials"})

    def _emails(self, request):
        return (200, self.emails) if self._authorized(request) else (401, {"message": "Bad credentials"})
