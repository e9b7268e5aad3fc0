"""`make demo`: drive a running Blocksmith (`make run` in another terminal) through its API.

Uses the demo token `make run` printed (var/demo-token) unless BLOCKSMITH_TOKEN is set, and the
server at BLOCKSMITH_URL (default http://localhost:$PORT, PORT defaulting to 8000). Prints every
request it makes and what came back. Grows with each surface of the product.

`DEMO_ONLY=flows` (or any of basics, architecture, projects, flows) runs only those parts.
"""

import asyncio
import hashlib
import hmac
import json
import os
import secrets
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


def call(
    method: str, path: str, token: str | None, body: dict | None = None, quiet: bool = False
) -> tuple[int, dict, Message]:
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
    if not quiet:
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


FLOW_CORPUS_FILE = ROOT / "tests" / "flows" / "corpus" / "domain-flow.organism.yaml"


def runnable_domain_flow(corpus_yaml: str) -> str:
    """The corpus flow as a user would finish it in the editor: the calculator gets its expression, an output
    node answers, and the nodes that need the internet or a BloxServer gateway (fetcher, Slack, partner) go."""
    document = yaml.safe_load(corpus_yaml)
    removed = {"fetcher", "notify-slack", "partner-org"}
    listeners = [listener for listener in document["listeners"] if listener["name"] not in removed]
    for listener in listeners:
        if listener["name"] == "researcher":
            listener["peers"] = ["calculator"]
            listener["prompt"] = (
                "Research {{ input.topic | default('the weather') }} for {{ input.who | default('us') }}."
            )
        if listener["name"] == "calculator":
            listener["config"] = {"tool": "calculate", "expression": "len(input['text'])"}
            listener["peers"] = ["answer"]
    listeners.append(
        {"name": "answer", "type": "output", "description": "What the flow returns",
         "config": {"value": {"promptLength": "{{ input.result }}"}}}
    )  # fmt: skip
    document["listeners"] = listeners
    document.pop("gateways", None)
    return yaml.safe_dump(document, sort_keys=False)


def deliver(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    print(f"  {'POST':6} {'/webhooks/{token}':40} → {status}")
    return status, json.loads(raw) if raw else {}


async def watch_flow(token: str, flow_id: str, received: list[dict], stop: asyncio.Event) -> None:
    ws_url = BASE_URL.replace("http", "ws", 1) + "/api/v1/ws"
    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        await ws.recv()
        await ws.send(json.dumps({"type": "subscribe", "channel": f"flow:{flow_id}"}))
        print(f"  ws subscribe flow:{flow_id} → {json.loads(await ws.recv())['type']}")
        while not stop.is_set():
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
            except TimeoutError:
                continue
            entry = message["data"]
            received.append(entry)
            execution = (entry.get("executionId") or "")[-6:]
            print(f"    live {execution:>6} #{entry['seq'] or '-':<2} {entry['eventType']:20} {entry['message']}")


def executions_of(flow_path: str, token: str, quiet: bool = False) -> list[dict]:
    _, listed, _ = call("GET", f"{flow_path}/executions?pageSize=10", token, quiet=quiet)
    return listed["data"]


async def fire_flow(token: str, flow: dict, webhook: dict, secret: str) -> None:
    received: list[dict] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_flow(token, flow["id"], received, stop))
    await asyncio.sleep(0.5)
    body = json.dumps({"topic": "tides", "who": "the harbour master"}).encode()
    status, refused = await asyncio.to_thread(deliver, webhook["webhookUrl"], body, {})
    print(f"    unsigned: {status} {refused['error']['message']}")
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": signature, "X-GitHub-Delivery": secrets.token_hex(8)}
    status, accepted = await asyncio.to_thread(deliver, webhook["webhookUrl"], body, headers)
    print(f"    signed (GitHub preset): {status} {accepted['data']['status']} → {accepted['data']['executionId']}")
    status, repeated = await asyncio.to_thread(deliver, webhook["webhookUrl"], body, headers)
    print(f"    the same delivery again: {status} → {repeated['data']['executionId']} (deduplicated, nothing new)")
    path = f"/api/v1/flows/{flow['id']}"
    next_minute = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%H:%M")
    print(f"  waiting for beat to fire the schedule at {next_minute}:00 UTC …")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        runs = await asyncio.to_thread(executions_of, path, token, True)
        if any(run["triggerType"] == "schedule" and run["status"] != "running" for run in runs):
            break
        await asyncio.sleep(2)
    await asyncio.sleep(1)
    stop.set()
    await watcher
    print(f"  {len(received)} live log entries received on flow:{flow['id']}")


def flow_walkthrough(token: str) -> None:
    corpus_yaml = FLOW_CORPUS_FILE.read_text()
    _, created, _ = call("POST", "/api/v1/flows", token, {"name": "Domain flow", "organismYaml": corpus_yaml})
    flow = created["data"]
    nodes = ", ".join(f"{node['data']['name']} ({node['type']})" for node in flow["canvasState"]["nodes"])
    print(f"  imported {FLOW_CORPUS_FILE.name} as {flow['id']} v{flow['version']}: {nodes}")
    path = f"/api/v1/flows/{flow['id']}"
    _, validation, _ = call("POST", f"{path}/validate", token, {})
    for issue in validation["data"]["issues"]:
        print(f"    {issue['severity']:7} {issue['code']}: {issue['message']}")
    status, refused, _ = call("POST", f"{path}/start", token)
    print(f"  start refused: {status} {refused['error']['message']}")
    _, updated, _ = call("PATCH", path, token, {"organismYaml": runnable_domain_flow(corpus_yaml)})
    flow = updated["data"]
    print(f"  finished in the editor (calculator expression, an output node): now v{flow['version']}")

    secret = secrets.token_urlsafe(24)
    webhook_config = {"signature": {"preset": "github", "secret": secret}}
    _, webhook, _ = call("POST", f"{path}/triggers", token, {"type": "webhook", "name": "inbound-webhook",
                                                          "config": webhook_config})  # fmt: skip
    webhook = webhook["data"]
    schedule_config = {"cron": "* * * * *", "timezone": "UTC", "payload": {"topic": "the hourly tide"}}
    _, schedule, _ = call("POST", f"{path}/triggers", token, {"type": "schedule", "name": "every minute",
                                                           "config": schedule_config})  # fmt: skip
    print(f"  webhook {webhook['webhookUrl'][:60]}… (GitHub signatures required)")
    print(f"  schedule '* * * * *' UTC, next: {', '.join(schedule['data']['nextFireTimes'][:3])}")
    _, started, _ = call("POST", f"{path}/start", token)
    print(f"  flow {started['data']['status']}")
    try:
        asyncio.run(fire_flow(token, flow, webhook, secret))
    finally:
        call("POST", f"{path}/stop", token)
    for summary in reversed(executions_of(path, token)):
        _, detail, _ = call("GET", f"{path}/executions/{summary['id']}", token)
        execution = detail["data"]
        print(
            f"  execution {execution['id']} by {execution['triggerType']} (v{execution['version']}): "
            f"{execution['status']} in {execution['durationMs']} ms → {json.dumps(execution['outputPayload'])}"
        )
        for step_row in execution["steps"]:
            print(
                f"    step {step_row['index']} {step_row['nodeName']:11} {step_row['nodeType']:10} "
                f"{step_row['status']:8} {step_row['durationMs']:>4} ms"
            )
    _, stats, _ = call("GET", f"{path}/stats", token)
    print(f"  stats: {stats['data']}")


DEMO_PARTS = ("basics", "architecture", "projects", "flows")


def basics_walkthrough(token: str) -> None:
    step("Health")
    status, health, _ = call("GET", "/health", None)
    print(f"  status={health.get('status')} components={health.get('components')}")

    step("Who am I (API token from make run)")
    status, me, headers = call("GET", "/api/v1/auth/me", token)
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


def main() -> None:
    token = demo_token()
    parts = {part.strip() for part in os.environ.get("DEMO_ONLY", ",".join(DEMO_PARTS)).split(",") if part.strip()}
    if parts - set(DEMO_PARTS):
        sys.exit(f"DEMO_ONLY: choose from {', '.join(DEMO_PARTS)}")
    print(f"Blocksmith demo against {BASE_URL}")
    status, me, _ = call("GET", "/api/v1/auth/me", token)
    if status != 200:
        sys.exit(f"The demo token was refused ({me.get('error')}); restart `make run` to get a fresh one.")

    if "basics" in parts:
        basics_walkthrough(token)

    if "architecture" in parts:
        step("Architecture workspace: template → validate → preview → generation run (live events) → cost and review")
        architecture_walkthrough(token)

    if "projects" in parts:
        step("App-build project: description → questions → answers → spec → feedback → approval")
        project = project_walkthrough(token)
        step("Build run: decompose → tasks on git worktrees → merge → verify; then export and preview")
        build_walkthrough(token, project)

    if "flows" in parts:
        step("Agent flow: corpus YAML → validate → start → signed webhook and cron schedule → executions, live log")
        flow_walkthrough(token)

    print(f"\nDone. API docs: {BASE_URL}/api/v1/docs/  Admin: {BASE_URL}/admin/")


if __name__ == "__main__":
    main()
