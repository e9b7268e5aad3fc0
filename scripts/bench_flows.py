"""Agent-flow figures for `make bench` (imported by scripts/bench.py), side by side with n8n.

Both systems run the same three-node flow on this machine, one after the other (never at once):
Blocksmith webhook trigger → codeBlock transform → output, and n8n's Webhook → Set → Respond to
Webhook. The transform builds `{greeting: "hello <name>"}` from the delivery's body in both.

* webhook → execution-start latency: from sending the POST to the moment the transform node starts
  (Blocksmith: the transform step's `startedAt`; n8n: `Date.now()` evaluated by the Set node), one
  delivery at a time, p50/p99 over `SAMPLES` deliveries — and the round trip of that delivery when the
  sender waits for the flow's output (Blocksmith `sync` response mode; n8n's Respond to Webhook);
* sustained executions/s: `SENDERS` concurrent senders for `BENCH_SECONDS`. Blocksmith answers 202
  once the execution is stored (its `async` mode), so the figure is the deliveries divided by the time
  until the last of them has finished; n8n answers when its workflow has finished, so it is the answers
  per second.

n8n 1.x (see N8N_VERSION) is installed once with npm into var/bench/n8n and runs on the machine's Node with its defaults
(SQLite, `regular` execution mode in its one process, successful executions saved), as a user who
downloads it would run it. Blocksmith runs as `make run` does (daphne, a Celery worker, beat, Redis).
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

SAMPLES = 100
SENDERS = 8
DURATION_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# The newest n8n 1.x that installs on Node 20 from the npm registry alone: from 1.123.75 on, n8n's expression
# runtime needs isolated-vm 6, which needs Node 22. n8n-nodes-base depends on a tarball of xlsx served from
# cdn.sheetjs.com; the override takes the registry's xlsx instead (the bench flow does not read spreadsheets).
N8N_VERSION = "1.123.50"
N8N_PACKAGE_JSON = {"private": True, "dependencies": {"n8n": N8N_VERSION}, "overrides": {"xlsx": "0.18.5"}}
N8N_WORKFLOW_ID = "BlocksmithBench1"
TRANSFORM = "{greeting: join(' ', ['hello', name])}"


def _node(node_id: str, node_type: str, config: dict, x: int) -> dict:
    return {
        "id": node_id,
        "type": node_type,
        "position": {"x": x, "y": 0},
        "data": {"name": node_id, "label": node_id, "config": config},
    }


BLOCKSMITH_FLOW = {
    "nodes": [
        _node("hook", "trigger", {"triggerType": "webhook"}, 0),
        _node("shape", "codeBlock", {"tool": "transform", "jmespath": TRANSFORM}, 200),
        _node("done", "output", {}, 400),
    ],
    "edges": [
        {"id": "hook-shape", "source": "hook", "target": "shape", "data": {"condition": "always"}},
        {"id": "shape-done", "source": "shape", "target": "done", "data": {"condition": "always"}},
    ],
    "viewport": {"x": 0, "y": 0, "zoom": 1},
}

N8N_WORKFLOW = {
    "id": N8N_WORKFLOW_ID,
    "name": "Blocksmith bench: Webhook → Set → Respond",
    "active": False,
    "settings": {"executionOrder": "v1"},
    "nodes": [
        {
            "id": "0b9c6c1e-0000-4000-8000-000000000001",
            "name": "Webhook",
            "type": "n8n-nodes-base.webhook",
            "typeVersion": 2,
            "position": [0, 0],
            "webhookId": "0b9c6c1e-0000-4000-8000-0000000000aa",
            "parameters": {"httpMethod": "POST", "path": "bench", "responseMode": "responseNode", "options": {}},
        },
        {
            "id": "0b9c6c1e-0000-4000-8000-000000000002",
            "name": "Set",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "position": [200, 0],
            "parameters": {
                "mode": "manual",
                "assignments": {
                    "assignments": [
                        {
                            "id": "a1",
                            "name": "greeting",
                            "value": "={{ 'hello ' + $json.body.name }}",
                            "type": "string",
                        },
                        {"id": "a2", "name": "startedAt", "value": "={{ Date.now() }}", "type": "number"},
                    ]
                },
                "options": {},
            },
        },
        {
            "id": "0b9c6c1e-0000-4000-8000-000000000003",
            "name": "Respond",
            "type": "n8n-nodes-base.respondToWebhook",
            "typeVersion": 1.1,
            "position": [400, 0],
            "parameters": {"respondWith": "firstIncomingItem", "options": {}},
        },
    ],
    "connections": {
        "Webhook": {"main": [[{"node": "Set", "type": "main", "index": 0}]]},
        "Set": {"main": [[{"node": "Respond", "type": "main", "index": 0}]]},
    },
}


def _request(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict:
    return {
        "samples": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p99_ms": round(_percentile(values, 0.99), 2),
    }


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def _send_for(url: str, seconds: float) -> tuple[list[dict], float]:
    """`SENDERS` threads POST to `url` until `seconds` have passed: the answers' bodies, and when sending began."""
    answers: list[dict] = []
    refusals: list[str] = []
    lock = threading.Lock()
    started = time.time()
    deadline = started + seconds

    def sender(number: int) -> None:
        sent = 0
        while time.time() < deadline:
            status, body = _request("POST", url, {"name": f"sender {number} delivery {sent}"})
            sent += 1
            with lock:
                if status >= 300:
                    refusals.append(f"{status}: {body}")
                    return
                answers.append(body)

    threads = [threading.Thread(target=sender, args=(number,)) for number in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if refusals:
        raise RuntimeError(f"{url} refused {len(refusals)} deliveries, e.g. {refusals[0]}")
    return answers, started


# Blocksmith ---------------------------------------------------------------------------------------


def _blocksmith_flow(base_url: str, token: str, response_mode: str) -> tuple[str, str]:
    status, flow = _request(
        "POST", f"{base_url}/api/v1/flows", {"name": f"Bench {response_mode}", "canvasState": BLOCKSMITH_FLOW}, token
    )
    if status != 201:
        raise RuntimeError(f"Creating the bench flow failed: {status} {flow}")
    flow_url = f"{base_url}/api/v1/flows/{flow['data']['id']}"
    config = {"responseMode": response_mode, "syncTimeoutSeconds": 30}
    status, trigger = _request(
        "POST", f"{flow_url}/triggers", {"type": "webhook", "name": "in", "config": config}, token
    )
    if status != 201:
        raise RuntimeError(f"Creating the bench trigger failed: {status} {trigger}")
    status, started = _request("POST", f"{flow_url}/start", None, token)
    if status != 200:
        raise RuntimeError(f"Starting the bench flow failed: {status} {started}")
    return flow_url, trigger["data"]["webhookUrl"]


def _transform_started(flow_url: str, token: str, execution_id: str) -> float:
    _, execution = _request("GET", f"{flow_url}/executions/{execution_id}", None, token)
    step = next(step for step in execution["data"]["steps"] if step["nodeId"] == "shape")
    return _epoch(step["startedAt"])


def measure_blocksmith_flows(base_url: str, token: str) -> dict:
    flow_url, webhook_url = _blocksmith_flow(base_url, token, "sync")
    for _ in range(5):  # warm-up: the worker's first execution imports and connects
        _request("POST", webhook_url, {"name": "warm-up"})
    sent = []
    for number in range(SAMPLES):
        before = time.time()
        status, body = _request("POST", webhook_url, {"name": f"delivery {number}"})
        round_trip = (time.time() - before) * 1000
        if status != 200 or body["data"]["status"] != "success":
            raise RuntimeError(f"A sync delivery did not finish: {status} {body}")
        sent.append((before, round_trip, body["data"]["executionId"]))
    start_latency = [
        (_transform_started(flow_url, token, execution_id) - before) * 1000 for before, _, execution_id in sent
    ]

    flow_url, webhook_url = _blocksmith_flow(base_url, token, "async")
    answers, started = _send_for(webhook_url, DURATION_SECONDS)
    accepted_in = time.time() - started
    deadline = time.time() + 600
    while True:
        _, stats = _request("GET", f"{flow_url}/stats", None, token)
        done = stats["data"]["executionsSuccess"] + stats["data"]["executionsError"]
        if done >= len(answers) or time.time() > deadline:
            break
        time.sleep(0.05)
    finished_in = time.time() - started
    return {
        "start_latency": _summary(start_latency),
        "round_trip": _summary([round_trip for _, round_trip, _ in sent]),
        "throughput": {
            "deliveries": len(answers),
            "succeeded": stats["data"]["executionsSuccess"],
            "accepted_per_second": round(len(answers) / accepted_in, 1),
            "executions_per_second": round(done / finished_in, 1),
        },
    }


# n8n ---------------------------------------------------------------------------------------------


def ensure_n8n(directory: Path) -> Path:
    """The n8n command, installed with npm into `directory` the first time (or when the pinned version changed)."""
    command = directory / "node_modules" / ".bin" / "n8n"
    package_json = directory / "package.json"
    wanted = json.dumps(N8N_PACKAGE_JSON, indent=2)
    if command.exists() and package_json.exists() and package_json.read_text() == wanted:
        return command
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed; the n8n comparison needs Node.js 20 and npm")
    directory.mkdir(parents=True, exist_ok=True)
    package_json.write_text(wanted)
    print(f"Installing n8n {N8N_VERSION} with npm into {directory} (once; about 5 minutes)…", flush=True)
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory,
        capture_output=True,
        text=True,
    )
    if installed.returncode != 0:
        raise RuntimeError(f"npm install failed: {installed.stderr.strip()[-2000:]}")
    return command


def _n8n_environment(home: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "N8N_USER_FOLDER": str(home),
        "N8N_PORT": str(port),
        "N8N_LISTEN_ADDRESS": "127.0.0.1",
        "N8N_LOG_LEVEL": "warn",
        "N8N_DIAGNOSTICS_ENABLED": "false",
        "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
        "N8N_TEMPLATES_ENABLED": "false",
        "N8N_PERSONALIZATION_ENABLED": "false",
        "N8N_SECURE_COOKIE": "false",
        "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "false",
        "EXECUTIONS_MODE": "regular",
    }


def _n8n_version(command: Path) -> str:
    package = command.resolve().parents[1] / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "unknown"


def measure_n8n(directory: Path, port: int) -> dict:
    command = ensure_n8n(directory)
    home = directory / "home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    environment = _n8n_environment(home, port)
    workflow = home / "workflow.json"
    workflow.write_text(json.dumps(N8N_WORKFLOW))
    for step in (
        ["import:workflow", f"--input={workflow}"],
        ["update:workflow", f"--id={N8N_WORKFLOW_ID}", "--active=true"],
    ):
        subprocess.run([str(command), *step], env=environment, check=True, capture_output=True, timeout=300)
    log = (directory / "n8n.log").open("w")
    server = subprocess.Popen(
        [str(command), "start"], env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    webhook_url = f"http://127.0.0.1:{port}/webhook/bench"
    try:
        deadline = time.time() + 180
        while True:
            status, _ = _request_quietly(webhook_url)
            if status == 200:
                break
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError(f"n8n did not serve its webhook; see {directory / 'n8n.log'}")
            time.sleep(0.5)
        for _ in range(5):
            _request("POST", webhook_url, {"name": "warm-up"})
        start_latency, round_trip = [], []
        for number in range(SAMPLES):
            before = time.time()
            status, body = _request("POST", webhook_url, {"name": f"delivery {number}"})
            round_trip.append((time.time() - before) * 1000)
            if status != 200 or body.get("greeting") != f"hello delivery {number}":
                raise RuntimeError(f"n8n answered {status}: {body}")
            start_latency.append(body["startedAt"] - before * 1000)
        answers, started = _send_for(webhook_url, DURATION_SECONDS)
        elapsed = time.time() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return {
        "version": _n8n_version(command),
        "start_latency": _summary(start_latency),
        "round_trip": _summary(round_trip),
        "throughput": {
            "deliveries": len(answers),
            "succeeded": sum(1 for answer in answers if answer.get("greeting")),
            "executions_per_second": round(len(answers) / elapsed, 1),
        },
    }


def _request_quietly(url: str) -> tuple[int, dict | None]:
    try:
        return _request("POST", url, {"name": "ready?"})
    except (OSError, ValueError):
        return 0, None


def print_flows(results: dict) -> None:
    ours, theirs = results["blocksmith"], results.get("n8n")
    print("\nAgent flows: webhook → transform → output (n8n: Webhook → Set → Respond to Webhook)")
    print(f"{'measure':44} {'Blocksmith':>12} {'n8n':>12} {'ratio':>8}")

    def row(name: str, mine: float, other: float | None, unit: str) -> None:
        ratio = f"{mine / other:.2f}x" if other else "—"
        other_text = f"{other:.1f}{unit}" if other is not None else "—"
        print(f"{name:44} {f'{mine:.1f}{unit}':>12} {other_text:>12} {ratio:>8}")

    def pick(side: dict | None, *path: str) -> float | None:
        if not side or "error" in side:
            return None
        for key in path:
            side = side[key]
        return side

    row(
        "webhook → execution start p50", ours["start_latency"]["p50_ms"], pick(theirs, "start_latency", "p50_ms"), " ms"
    )
    row(
        "webhook → execution start p99", ours["start_latency"]["p99_ms"], pick(theirs, "start_latency", "p99_ms"), " ms"
    )
    row(
        "round trip waiting for the output p50",
        ours["round_trip"]["p50_ms"],
        pick(theirs, "round_trip", "p50_ms"),
        " ms",
    )
    row(
        "round trip waiting for the output p99",
        ours["round_trip"]["p99_ms"],
        pick(theirs, "round_trip", "p99_ms"),
        " ms",
    )
    row(
        f"sustained executions/s ({SENDERS} senders)",
        ours["throughput"]["executions_per_second"],
        pick(theirs, "throughput", "executions_per_second"),
        "/s",
    )
    print(
        f"Blocksmith accepted {ours['throughput']['deliveries']} deliveries at "
        f"{ours['throughput']['accepted_per_second']}/s; {ours['throughput']['succeeded']} executions succeeded"
    )
    if theirs and "error" in theirs:
        print(f"n8n: not measured ({theirs['error']})")
    elif theirs:
        throughput = theirs["throughput"]
        print(f"n8n {theirs['version']}: {throughput['succeeded']} of {throughput['deliveries']} deliveries answered")
