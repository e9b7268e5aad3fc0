"""Build-run figures for `make bench` (imported by scripts/bench.py).

A model stand-in on loopback (an OpenAI-compatible chat endpoint, the operator's `openai` provider)
plans runs of trivial tasks — a chain of N tasks, each writing a few small files — so the figures
are the pipeline's own costs, not code generation:

* orchestration overhead per task: the executing phase of a 20-task run (first TASK_STARTED to last
  TASK_COMPLETED, per task) against the same work done in one process (the model call, a git
  worktree, the files, a commit), per task;
* event latency from the worker to 1, 10 and 100 WebSocket clients: receive time minus the event's
  timestamp (set by the worker when it writes the event), p50/p99 over every event and client;
* events per second to one watcher: a run of 20 independent tasks of 25 files each (the worker's
  processes emit concurrently), every event received, counted against the stored ones (no loss, no
  duplicate, in order).
"""

import asyncio
import json
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import websockets

TASKS = 20
TERMINAL = ("RUN_COMPLETED", "RUN_FAILED", "RUN_CANCELLED")
# A test runner that reports every acceptance criterion as passed: the runs measure orchestration.
RUNNER = """import json, sys
criteria = {criterion_ids!r}
report = {{"criteria": {{c: {{"status": "passed", "output": "bench"}} for c in criteria}}}}
open(sys.argv[sys.argv.index("--report") + 1], "w").write(json.dumps(report))
"""


class ModelStandIn:
    """Answers build requests: a chain of trivial tasks writing `files_per_task` small files each."""

    def __init__(self):
        self.files_per_task = 1
        self.chained = True
        # The model "thinks" before planning, so watchers are subscribed before the tasks' events.
        self.plan_delay = 2.0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                purpose = body["response_format"]["json_schema"]["name"]
                data = json.loads(body["messages"][1]["content"])
                answer = stand_in.answer(purpose, data)
                reply = json.dumps(
                    {
                        "id": "bench",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "bench",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": json.dumps(answer)},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, purpose: str, data: dict) -> dict:
        if purpose == "build_decompose":
            time.sleep(self.plan_delay)
            tasks = [
                {
                    "id": f"task-{n:03d}",
                    "slug": f"step-{n}",
                    "description": f"Step {n}",
                    "instructions": "Write the step's files.",
                    "dependencies": [f"task-{n - 1:03d}"] if n > 1 and self.chained else [],
                    "pathScope": [f"steps/{n:03d}/**"] + (["tests/**"] if n == TASKS else []),
                    "expectedOutputs": [],
                }
                for n in range(1, TASKS + 1)
            ]
            return {"tasks": tasks, "mergeOrder": [task["id"] for task in tasks]}
        number = int(data["task"]["id"].split("-")[1])
        operations = [
            {"path": f"steps/{number:03d}/file-{index}.txt", "action": "create", "content": f"{number}.{index}\n"}
            for index in range(self.files_per_task)
        ]
        if number == TASKS:
            ids = [criterion["id"] for criterion in data["spec"]["acceptance"]]
            operations += [
                {"path": "tests/__init__.py", "action": "create", "content": ""},
                {"path": "tests/__main__.py", "action": "create", "content": RUNNER.format(criterion_ids=ids)},
            ]
        return {"operations": operations}


def _call(base_url: str, method: str, path: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base_url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _approved_project(base_url: str, token: str) -> str:
    description = "A library lending system. Librarians manage books and members. Members borrow and return books."
    project = _call(base_url, "POST", "/api/v1/projects", token, {"name": "Bench", "description": description})["data"]
    path = f"/api/v1/projects/{project['id']}"
    questions = _call(base_url, "POST", f"{path}/clarify", token, {"provider": "builtin"})["data"]["questions"]
    answers = [
        {
            "questionId": question["id"],
            "answer": question["options"][:1] if question["type"] == "multi_choice" else question["options"][0],
        }
        for question in questions
        if question["type"] in ("single_choice", "multi_choice")
    ]
    _call(base_url, "POST", f"{path}/answers", token, {"answers": answers, "provider": "builtin"})
    _call(base_url, "POST", f"{path}/approve", token)
    return project["id"]


def _timestamp(event: dict) -> float:
    return datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()


async def _watch(ws_url: str, token: str, channel: str) -> tuple[float, list[tuple[dict, float]]]:
    """Subscribe (replaying from the start) and collect (event, receive time) until the terminal event."""
    received = []
    async with websockets.connect(ws_url, max_queue=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        await ws.recv()
        await ws.send(json.dumps({"type": "subscribe", "channel": channel, "after": 0}))
        await ws.recv()
        subscribed = time.time()
        while not received or received[-1][0]["eventType"] not in TERMINAL:
            message = json.loads(await asyncio.wait_for(ws.recv(), 300))
            received.append((message["data"], time.time()))
    return subscribed, received


async def _run_watched(base_url: str, token: str, project_id: str, clients: int) -> tuple[dict, float, list[list]]:
    """Start a run and watch it with `clients` WebSocket clients; returns when all saw its end."""
    ws_url = base_url.replace("http", "ws", 1) + "/api/v1/ws"
    path = f"/api/v1/projects/{project_id}/runs"
    run = (await asyncio.to_thread(_call, base_url, "POST", path, token, {"provider": "openai"}))["data"]
    watched = await asyncio.gather(*(_watch(ws_url, token, f"run:{run['id']}") for _ in range(clients)))
    all_subscribed = max(subscribed for subscribed, _ in watched)
    return run, all_subscribed, [received for _, received in watched]


def _stored_events(base_url: str, token: str, project_id: str, run_id: str) -> list[dict]:
    return _call(base_url, "GET", f"/api/v1/projects/{project_id}/runs/{run_id}/events?limit=1000", token)["data"]


def _in_process_per_task(model: ModelStandIn) -> float:
    """The tasks' work without the pipeline: model call, worktree, files and commit, in one process."""
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo.git"
        git = ["git", "--git-dir", str(repo)]
        subprocess.run(["git", "init", "--bare", "-q", "--initial-branch=main", str(repo)], check=True)
        work = Path(scratch) / "seed"
        subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True)
        (work / "README.md").write_text("seed\n")
        identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(work), *identity, "commit", "-qm", "seed"], check=True)
        subprocess.run(["git", "-C", str(work), "push", "-q", "origin", "main"], check=True, capture_output=True)
        started = time.perf_counter()
        for number in range(1, TASKS + 1):
            request = {
                "model": "bench",
                "messages": [
                    {"role": "system", "content": ""},
                    {
                        "role": "user",
                        "content": json.dumps({"task": {"id": f"task-{number:03d}"}, "spec": {"acceptance": []}}),
                    },
                ],
                "response_format": {"type": "json_schema", "json_schema": {"name": "build_task", "schema": {}}},
            }
            http = urllib.request.Request(
                model.base_url + "/chat/completions",
                data=json.dumps(request).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(http, timeout=10) as response:
                operations = json.loads(json.loads(response.read())["choices"][0]["message"]["content"])["operations"]
            worktree = Path(scratch) / f"wt-{number}"
            subprocess.run(
                [*git, "worktree", "add", "-q", "-B", f"feat/task-{number:03d}", str(worktree), "main"],
                check=True,
                capture_output=True,
            )
            for operation in operations:
                target = worktree / operation["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(operation["content"])
            subprocess.run(["git", "-C", str(worktree), "add", "--all"], check=True)
            subprocess.run(["git", "-C", str(worktree), *identity, "commit", "-qm", f"task {number}"], check=True)
        return (time.perf_counter() - started) * 1000 / TASKS


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_runs(base_url: str, token: str, model: ModelStandIn) -> dict:
    project_id = _approved_project(base_url, token)
    results = {}

    model.files_per_task = 1
    run, _, _ = asyncio.run(_run_watched(base_url, token, project_id, 1))
    events = _stored_events(base_url, token, project_id, run["id"])
    started = min(_timestamp(e) for e in events if e["eventType"] == "TASK_STARTED")
    finished = max(_timestamp(e) for e in events if e["eventType"] == "TASK_COMPLETED")
    pipeline_per_task = (finished - started) * 1000 / TASKS
    in_process = _in_process_per_task(model)
    results["orchestration"] = {
        "tasks": TASKS,
        "run_status": events[-1]["payload"]["status"],
        "pipeline_ms_per_task": round(pipeline_per_task, 1),
        "in_process_ms_per_task": round(in_process, 1),
        "overhead_ms_per_task": round(pipeline_per_task - in_process, 1),
    }

    results["event_latency"] = []
    for clients in (1, 10, 100):
        run, all_subscribed, received = asyncio.run(_run_watched(base_url, token, project_id, clients))
        # Events written before every client had subscribed were (partly) replayed: only live ones count.
        samples = [
            (at - _timestamp(event)) * 1000
            for per_client in received
            for event, at in per_client
            if _timestamp(event) > all_subscribed
        ]
        stored = _stored_events(base_url, token, project_id, run["id"])
        complete = all(
            [event["seq"] for event, _ in per_client] == [e["seq"] for e in stored] for per_client in received
        )
        results["event_latency"].append(
            {
                "clients": clients,
                "samples": len(samples),
                "p50_ms": round(statistics.median(samples), 2),
                "p99_ms": round(_percentile(samples, 0.99), 2),
                "every_client_got_every_event_in_order": complete,
            }
        )

    # Independent tasks: the workers' processes emit concurrently.
    model.files_per_task, model.chained = 25, False
    run, all_subscribed, received = asyncio.run(_run_watched(base_url, token, project_id, 1))
    stored = _stored_events(base_url, token, project_id, run["id"])
    got = [event for event, _ in received[0]]
    live = [at for event, at in received[0] if _timestamp(event) > all_subscribed]
    span = live[-1] - live[0]
    results["event_throughput"] = {
        "events": len(got),
        "events_per_second": round(len(live) / span, 1) if span else None,
        "lost": len(stored) - len({event["seq"] for event in got}),
        "duplicates": len(got) - len({event["seq"] for event in got}),
        "in_order": [event["seq"] for event in got] == sorted(event["seq"] for event in got),
    }
    return results


def print_runs(results: dict) -> None:
    orchestration = results["orchestration"]
    print(
        f"\nBuild run of {orchestration['tasks']} trivial tasks ({orchestration['run_status']}): "
        f"{orchestration['pipeline_ms_per_task']} ms/task through the pipeline, "
        f"{orchestration['in_process_ms_per_task']} ms/task in process → "
        f"{orchestration['overhead_ms_per_task']} ms orchestration overhead per task"
    )
    print(
        f"{'event latency worker → WebSocket':34} {'clients':>7} {'samples':>8} {'p50 ms':>8} {'p99 ms':>8}  complete"
    )
    for row in results["event_latency"]:
        print(
            f"{'':34} {row['clients']:>7} {row['samples']:>8} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}  "
            f"{row['every_client_got_every_event_in_order']}"
        )
    throughput = results["event_throughput"]
    print(
        f"events to one watcher: {throughput['events']} events at {throughput['events_per_second']}/s, "
        f"lost {throughput['lost']}, duplicated {throughput['duplicates']}, in order {throughput['in_order']}"
    )
