"""Real HTTP stand-ins for external services, served on loopback.

The product's real client code (social-auth's requests calls, PyJWT's JWKS client) talks to
these through its configurable base URLs; nothing inside the product is mocked.
"""

import json
import threading
import time
from dataclasses import dataclass
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
                    "headers": {name.lower(): value for name, value in self.headers.items()},
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
        return request["headers"].get("authorization") == f"token {self.ACCESS_TOKEN}"

    def _user(self, request):
        return (200, self.profile) if self._authorized(request) else (401, {"message": "Bad credentials"})

    def _emails(self, request):
        return (200, self.emails) if self._authorized(request) else (401, {"message": "Bad credentials"})


class OpenAIStandIn(LoopbackServer):
    """An OpenAI-compatible API: /v1/models and /v1/chat/completions answering scripted replies.

    Each reply is a dict (sent as the JSON content of the message), a str (sent as the content
    as-is), `Fail(status, message)` / `Slow(seconds, reply)`, or a function of the request body
    returning one of those. The last reply repeats.
    """

    API_KEY = "sk-standin-0123456789abcd"

    def __init__(self, replies: list | None = None, *, model: str = "stand-in-model"):
        super().__init__()
        self.replies = list(replies or [])
        self.model = model
        self.prompt_tokens, self.completion_tokens = 120, 80
        self.routes[("GET", "/v1/models")] = self._models
        self.routes[("POST", "/v1/chat/completions")] = self._chat

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def chat_requests(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests if request["path"] == "/v1/chat/completions"]

    def _authorized(self, request) -> bool:
        return request["headers"].get("authorization") == f"Bearer {self.API_KEY}"

    def _unauthorized(self):
        return 401, {
            "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
        }

    def _models(self, request):
        if not self._authorized(request):
            return self._unauthorized()
        return 200, {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "stand-in"}],
        }

    def _chat(self, request):
        if not self._authorized(request):
            return self._unauthorized()
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        body = json.loads(request["body"])
        if callable(reply):
            reply = reply(body)
        if isinstance(reply, Slow):
            time.sleep(reply.seconds)
            reply = reply.reply(body) if callable(reply.reply) else reply.reply
        if isinstance(reply, Fail):
            return reply.status, {"error": {"message": reply.message, "type": "server_error"}}
        content = json.dumps(reply) if isinstance(reply, dict) else reply
        return 200, {
            "id": "chatcmpl-standin",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens,
            },
        }


@dataclass(frozen=True)
class Fail:
    status: int
    message: str = "The stand-in failed on purpose."


@dataclass(frozen=True)
class Slow:
    seconds: float
    reply: object


def build_request(body: dict) -> tuple[str, dict]:
    """The purpose (build_decompose, build_task, build_repair) and input of a chat request from a build."""
    return body["response_format"]["json_schema"]["name"], json.loads(body["messages"][1]["content"])


class BuildModel:
    """Answers a build's requests like a careful model: the built-in generator's plan and files.

    `plan`, `task_answer` and `repair_answer` bend answers; `slow` delays the first answer for a
    task slug by that many seconds (later attempts are quick); `delay` slows every task answer.
    """

    def __init__(self, *, plan=None, task_answer=None, repair_answer=None, slow=None, delay: float = 0):
        self.plan, self.task_answer, self.repair_answer = plan, task_answer, repair_answer
        self.slow, self.delay = dict(slow or {}), delay
        self.repair_inputs: list[dict] = []
        self.task_calls: dict[str, int] = {}
        self.lock = threading.Lock()

    def __call__(self, body: dict):
        from runs.generator.requests import builtin_decomposition, builtin_operations

        purpose, data = build_request(body)
        if purpose == "build_decompose":
            return self.plan(data) if self.plan else builtin_decomposition(data)
        if purpose == "build_repair":
            self.repair_inputs.append(data)
            return self.repair_answer(data) if self.repair_answer else {"operations": []}
        slug = data["task"]["slug"]
        with self.lock:
            self.task_calls[slug] = self.task_calls.get(slug, 0) + 1
            first = self.task_calls[slug] == 1
        answer = builtin_operations(data)
        if self.task_answer:
            answer = self.task_answer(data, answer)
        if first and slug in self.slow:
            return Slow(self.slow[slug], answer)
        return Slow(self.delay, answer) if self.delay else answer
