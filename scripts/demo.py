"""`make demo`: drive a running Blocksmith (`make run` in another terminal) through its API.

Uses the demo token `make run` printed (var/demo-token) unless BLOCKSMITH_TOKEN is set, and the
server at BLOCKSMITH_URL (default http://localhost:$PORT, PORT defaulting to 8000). Prints every
request it makes and what came back. Grows with each surface of the product.
"""

import asyncio
import json
import os
import sys
import time
import urllib.error
import urllib.request
import zipfile
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import websockets
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE_URL = os.environ.get("BLOCKSMITH_URL", f"http://localhost:{os.environ.get('PORT', '8000')}").rstrip("/")


def demo_token() -> str:
    if os.environ.get("BLOCKSMITH_TOKEN"):
        return os.environ["BLOCKSMITH_TOKEN"]
    token_file = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "demo-token"
    if not token_file.exists():
        sys.exit(f"No demo token at {token_file}: start the server with `make run` first, or set BLOCKSMITH_TOKEN.")
    return token_file.read_text().strip()


def call(method: str, path: str, token: str | None, body: dict | None = None) -> tuple[int, dict, Message]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(BASE_URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status, raw, response_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, response_headers = error.code, error.read(), error.headers
    payload = json.loads(raw) if raw else {}
    print(f"  {method:6} {path:40} → {status}")
    return status, payload, response_headers


def step(title: str) -> None:
    print(f"\n{title}")


async def realtime(token: str, user_id: str) -> None:
    ws_url = BASE_URL.replace("http", "ws", 1) + "/api/v1/ws"
    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        print(f"  ws auth → {json.loads(await ws.recv())['type']}")
        await ws.send(json.dumps({"type": "subscribe", "channel": f"user:{user_id}"}))
        print(f"  ws subscribe user:{user_id} → {json.loads(await ws.recv())['type']}")
        await ws.send(json.dumps({"type": "subscribe", "channel": "user:usr_someone_else"}))
        refused = json.loads(await ws.recv())
        print(f"  ws subscribe user:usr_someone_else → {refused['type']} {refused.get('code')}")
        started = time.perf_counter()
        _, body, _ = await asyncio.to_thread(call, "POST", "/api/v1/realtime/ping", token)
        event = json.loads(await asyncio.wait_for(ws.recv(), 15))
        elapsed = (time.perf_counter() - started) * 1000
        payload = event["data"]["payload"]
        if payload["nonce"] != body["data"]["nonce"]:
            sys.exit(f"Expected the PING for nonce {body['data']['nonce']}, got {event}")
        print(
            f"  ws event {event['data']['eventType']} from {payload['worker']} after {elapsed:.1f} ms (nonce matches)"
        )


DEMO_DESCRIPTION = (
    "A library lending system. Librarians manage books and members. "
    "Members borrow books and return them; loans have due dates."
)


def answer_for(question: dict) -> object:
    """What the demo answers: the suggested options, yes, and the first choice."""
    if question["type"] == "multi_choice":
        return [option for option in question["options"] if option != "None of these"] or question["options"][:1]
    if question["type"] == "single_choice":
        return question["options"][0]
    if question["type"] == "boolean":
        return True
    return "Librarians can see overdue loans."


def project_walkthrough(token: str) -> dict:
    _, created, _ = call(
        "POST", "/api/v1/projects", token, {"name": "Lending library", "description": DEMO_DESCRIPTION}
    )
    project = created["data"]
    print(f"  project {project['id']} ({project['status']}), repository {project['repoPath']}")
    path = f"/api/v1/projects/{project['id']}"
    _, clarified, _ = call("POST", f"{path}/clarify", token, {})
    questions = clarified["data"]["questions"]
    for question in questions:
        print(f"    ? {question['question']} [{question['type']}]")
    answers = [{"questionId": question["id"], "answer": answer_for(question)} for question in questions]
    status, answered, _ = call("POST", f"{path}/answers", token, {"answers": answers})
    if status != 200:
        sys.exit(f"Spec generation answered {status}: {answered}")
    spec = answered["data"]["spec"]
    blocks = {
        name: yaml.safe_load(text.split("```yaml\n", 1)[1].split("```", 1)[0])
        for name, text in spec["documents"].items()
    }
    entities = blocks["DATA.md"]["entities"]
    print(
        f"  spec v{spec['version']} by {spec['provider']}: {len(entities)} entities, "
        f"{len(blocks['ROUTES.md']['routes'])} routes, {len(blocks['ACCEPTANCE.md']['acceptance'])} acceptance criteria"
    )
    for entity in entities:
        fields = ", ".join(field["name"] for field in entity["fields"])
        links = ", ".join(f"{relation['name']} → {relation['target']}" for relation in entity["relations"])
        actions = ", ".join(action["name"] for action in entity["actions"])
        print(
            f"    {entity['name']}: {fields}"
            + (f"; belongs to {links}" if links else "")
            + (f"; actions {actions}" if actions else "")
        )
    first = blocks["ACCEPTANCE.md"]["acceptance"][0]
    print(
        f"    e.g. {first['id']} {first['title']}: given {first['given']}, when {first['when']}, then {first['then']}"
    )
    _, regenerated, _ = call("POST", f"{path}/regenerate", token, {"feedback": "Add a barcode field to books."})
    print(f"  regenerated: v{regenerated['data']['spec']['version']} with the feedback")
    _, approved, _ = call("POST", f"{path}/approve", token)
    print(f"  {approved['data']['status']}: spec/ committed as {approved['data']['spec']['commitSha'][:12]}")
    return project


def event_detail(event: dict) -> str:
    payload = event["payload"]
    if event["eventType"] == "RUN_STARTED" and "generator" in payload:
        return f"{payload['generator']} for {payload['provider']} on {payload['branch']}"
    if event["eventType"] == "RUN_STARTED":
        return f"run {payload['runNumber']} ({payload['trigger']}, {payload['provider']})"
    if "commitSha" in payload and "files" in payload:
        return f"{len(payload['files'])} files, commit {payload['commitSha'][:12]}"
    if event["eventType"] == "VERIFICATION_STARTED":
        return f"{payload['criteria']} acceptance criteria"
    if "summary" in payload:
        return f"{payload['summary']['passed']}/{payload['summary']['total']} criteria passed"
    if "commitSha" in payload and "filesCreated" in payload:
        return f"{len(payload['filesCreated'])} files, commit {payload['commitSha'][:12]}"
    for name in ("path", "status", "message", "slug", "commitSha", "error"):
        if payload.get(name):
            return str(payload[name])
    return ""


async def watch_run(token: str, run_id: str) -> None:
    """Print the run's events as they arrive over the WebSocket (replayed from the start), until it ends."""
    ws_url = BASE_URL.replace("http", "ws", 1) + "/api/v1/ws"
    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        await ws.recv()
        await ws.send(json.dumps({"type": "subscribe", "channel": f"run:{run_id}", "after": 0}))
        print(f"  ws subscribe run:{run_id} after 0 → {json.loads(await ws.recv())['type']}")
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 300))["data"]
            detail = event_detail(event)
            print(f"    #{event['seq']:<3} {event['eventType']:22} {detail}")
            if event["eventType"] in ("RUN_COMPLETED", "RUN_FAILED", "RUN_CANCELLED"):
                return


def wait_for_status(path: str, token: str, done: tuple[str, ...]) -> dict:
    deadline = time.monotonic() + 120
    while True:
        _, body, _ = call("GET", path, token)
        if body["data"]["status"] in done or time.monotonic() > deadline:
            return body["data"]
        time.sleep(0.5)


def build_walkthrough(token: str, project: dict) -> None:
    path = f"/api/v1/projects/{project['id']}"
    status, created, _ = call("POST", f"{path}/runs", token, {})
    if status != 201:
        sys.exit(f"Starting the build answered {status}: {created}")
    run = created["data"]
    print(f"  run {run['runNumber']} ({run['id']}), provider {run['provider']}; its events, live:")
    asyncio.run(watch_run(token, run["id"]))
    _, detail, _ = call("GET", f"{path}/runs/{run['id']}", token)
    run = detail["data"]
    verification = run["verificationResult"] or {}
    summary = verification.get("summary", {})
    print(
        f"  {run['status']}: {len(run['tasks'])} tasks merged as {(run['mergedCommit'] or '')[:12]}, "
        f"verification {summary.get('passed')}/{summary.get('total')} criteria passed "
        f"in {verification.get('durationMs')} ms ({verification.get('sandbox', {}).get('network')} network sandbox)"
    )
    if run["status"] != "succeeded":
        sys.exit(f"The build did not succeed: {run['error']}")
    _, files, _ = call("GET", f"{path}/files?ref={run['id']}", token)
    print(
        "  files: "
        + ", ".join(entry["name"] + ("/" if entry["type"] == "directory" else "") for entry in files["data"]["entries"])
    )

    _, export, _ = call("POST", f"{path}/export", token, {"runId": run["id"], "format": "zip"})
    export = wait_for_status(f"{path}/exports/{export['data']['id']}", token, ("completed", "failed"))
    request = urllib.request.Request(BASE_URL + export["downloadUrl"], headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        filename = response.headers.get_filename()
        archive = response.read()
    target = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "demo" / filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(archive)
    print(f"  export downloaded: {target} ({len(archive)} bytes, {len(zipfile.ZipFile(target).namelist())} files)")

    _, deployment, _ = call("POST", f"{path}/deploy", token, {"runId": run["id"], "provider": "local"})
    deployment = wait_for_status(f"{path}/deployments/{deployment['data']['id']}", token, ("live", "failed"))
    if deployment["status"] != "live":
        sys.exit(f"The preview did not start: {deployment['error']}")
    print(f"  preview live at {deployment['url']} until {deployment['expiresAt']} (DELETE the deployment to stop it)")
    account = {"email": "librarian@example.com", "password": "a long demo password", "name": "Demo"}
    for method, route, body in (("POST", "/auth/register", account), ("POST", "/auth/login", account)):
        request = urllib.request.Request(
            deployment["url"] + route,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                print(f"    {method} {deployment['url']}{route} → {response.status}")
        except urllib.error.HTTPError as error:
            print(f"    {method} {deployment['url']}{route} → {error.code}")


def architecture_walkthrough(token: str) -> None:
    _, templates, _ = call("GET", "/api/v1/templates?kind=architecture&provider=aws", token)
    print("  templates: " + ", ".join(template["id"] for template in templates["data"]))
    status, applied, _ = call(
        "POST", "/api/v1/templates/tpl_three_tier_web_app/apply", token, {"name": "Demo shop", "provider": "aws"}
    )
    if status != 201:
        sys.exit(f"Applying the template answered {status}: {applied}")
    workspace = applied["data"]
    path = f"/api/v1/workspaces/{workspace['id']}"
    print(f"  workspace {workspace['id']} ({workspace['provider']}, {workspace['generator']})")
    _, validation, _ = call("POST", f"{path}/validate", token, {})
    result = validation["data"]
    print(f"  valid={result['valid']}, {len(result['errors'])} errors, {len(result['warnings'])} warnings")
    _, preview, _ = call("GET", f"{path}/preview", token)
    print("  preview: " + ", ".join(file["path"] for file in preview["data"]["files"]))
    status, run, _ = call("POST", f"{path}/generate", token, {"commitMessage": "Terraform for the demo shop"})
    if status != 202:
        sys.exit(f"Generating answered {status}: {run}")
    print(f"  generation run {run['data']['runNumber']} ({run['data']['status']}); its events, live:")
    asyncio.run(watch_run(token, run["data"]["id"]))
    run = wait_for_status(f"{path}/generate/{run['data']['id']}", token, ("completed", "failed"))
    print(f"  {run['status']}: commit {(run['commitSha'] or '')[:12]}, {len(run['files'])} files under infra/")
    _, commits, _ = call("GET", f"{path}/commits?limit=3", token)
    for commit in commits["data"]:
        print(f"    {commit['sha'][:12]} {commit['message']}")
    _, architecture, _ = call("GET", f"{path}/architecture", token)
    _, cost, _ = call("POST", "/api/v1/ai/cost", token, {"architecture": architecture["data"]["architecture"],
                                                        "provider": "aws"})  # fmt: skip
    estimate = cost["data"]
    print(f"  cost ({estimate['source']}, catalog {estimate['catalogVersion']}): "
          f"{estimate['totalMonthlyCost']:.2f} {estimate['currency']}/month")  # fmt: skip
    for line in sorted(estimate["lines"], key=lambda line: -line["monthlyCost"])[:4]:
        print(f"    {line['monthlyCost']:>8.2f}  {line['name']} — {line['service']}; {line['assumptions'][0]}")
    _, review, _ = call("POST", "/api/v1/ai/suggest", token, {"architecture": architecture["data"]["architecture"]})
    print(f"  review score {review['data']['score']}")
    for suggestion in review["data"]["suggestions"][:5]:
        print(f"    [{suggestion['severity']}/{suggestion['category']}] {suggestion['message']}")
    _, generated, _ = call(
        "POST",
        "/api/v1/ai/generate",
        token,
        {"prompt": "serverless API with a queue and a NoSQL table", "provider": "gcp", "complexity": "simple"},
    )
    blocks = [node["name"] for node in generated["data"]["architecture"]["nodes"]]
    print(f"  ai/generate: {generated['data']['explanation']} Blocks: {', '.join(blocks)}")


def main() -> None:
    token = demo_token()
    print(f"Blocksmith demo against {BASE_URL}")

    step("Health")
    status, health, _ = call("GET", "/health", None)
    print(f"  status={health.get('status')} components={health.get('components')}")

    step("Who am I (API token from make run)")
    status, me, headers = call("GET", "/api/v1/auth/me", token)
    if status != 200:
        sys.exit(f"The demo token was refused ({me.get('error')}); restart `make run` to get a fresh one.")
    user = me["data"]
    print(f"  {user['email']} ({user['id']}), tier {user['tier']}")
    print(f"  rate limit: {headers.get('X-RateLimit-Remaining')}/{headers.get('X-RateLimit-Limit')} left this minute")

    step("API tokens: create (shown once), list, revoke")
    expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    _, created, _ = call("POST", "/api/v1/auth/tokens", token, {"name": "demo script", "expiresAt": expires})
    new = created["data"]
    print(f"  created {new['id']} prefix {new['prefix']}… expires {new['expiresAt']}")
    _, listed, _ = call("GET", "/api/v1/auth/tokens?pageSize=5", token)
    print(f"  {listed['pagination']['total']} active token(s); the list never contains a token's value")
    call("DELETE", f"/api/v1/auth/tokens/{new['id']}", token)
    status, refused, _ = call("GET", "/api/v1/auth/me", new["token"])
    print(f"  the revoked token now gets {status} {refused['error']['code']}: {refused['error']['message']}")

    step("Plan and usage")
    _, usage, _ = call("GET", "/api/v1/usage", token)
    data = usage["data"]
    print(f"  tier {data['tier']}, limits {data['limits']}")
    print(f"  rate limits {data['rateLimits']}")

    step("Errors are envelopes")
    _, error, _ = call("POST", "/api/v1/auth/tokens", token, {"name": ""})
    print(f"  {error['error']['code']}: {error['error']['message']} details={error['error']['details']}")
    _, error, _ = call("GET", "/api/v1/no-such-route", token)
    print(f"  {error['error']['code']}: {error['error']['message']}")

    step("Realtime: a Celery worker publishes to the user's WebSocket channel")
    asyncio.run(realtime(token, user["id"]))

    step("Architecture workspace: template → validate → preview → generation run (live events) → cost and review")
    architecture_walkthrough(token)

    step("App-build project: description → questions → answers → spec → feedback → approval")
    project = project_walkthrough(token)

    step("Build run: decompose → tasks on git worktrees → merge → verify; then export and preview")
    build_walkthrough(token, project)

    print(f"\nDone. API docs: {BASE_URL}/api/v1/docs/  Admin: {BASE_URL}/admin/")


if __name__ == "__main__":
    main()
