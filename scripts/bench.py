"""`make bench`: start the system with production settings and measure it with a load generator.

* HTTP: wrk (Debian package `wrk`; installed with apt when missing and running as root) drives
  `GET /health` and an authenticated paginated list (`GET /api/v1/auth/tokens?pageSize=20`, 100
  rows) at 1 and 16 connections; requests/s and latency p50/p99 come from wrk's own report.
* Realtime: POST /api/v1/realtime/ping → Celery worker → WebSocket event, sequentially; p50/p99.
* Build runs (scripts/bench_runs.py): orchestration overhead per task, event latency from the worker
  to 1, 10 and 100 WebSocket clients, events per second to one watcher with no loss.
* Architectures (scripts/bench_architecture.py): validation and Terraform generation of a 200-node
  architecture for each provider, in process.
* Agent flows (scripts/bench_flows.py): webhook → execution-start latency, the round trip of a delivery
  that waits for the output, and sustained executions/s for webhook → transform → output; then the
  same against n8n@1 (installed with npm once) with Webhook → Set → Respond, and the ratio.

`BENCH_ONLY=flows,http` (any of http, realtime, runs, architecture, flows) measures only those parts.

The system runs from `var/bench/run` (fresh each time) with DEBUG=false; results are printed and
written to `var/bench/<timestamp>.json`. Load generator and server share this machine's cores.
"""

import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import websockets
from bench_architecture import measure_architecture, print_architecture
from bench_flows import measure_blocksmith_flows, measure_n8n, print_flows
from bench_runs import ModelStandIn, measure_runs, print_runs
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
DURATION_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = (1, 16)
PARTS = ("http", "realtime", "runs", "architecture", "flows")
PING_SAMPLES = 100
SEED = """
from accounts.services import api_token_create, user_get_or_create
user, _ = user_get_or_create(email="bench@localhost", tier="high_frequency")
for n in range(99):
    api_token_create(user=user, name=f"seed {n}")
print(api_token_create(user=user, name="bench")[1])
"""


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (Debian package)…")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("make bench needs wrk: install the Debian package `wrk` (apt-get install wrk).")
    return wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(wrk: str, url: str, connections: int, token: str | None) -> dict:
    command = [wrk, "-t1", f"-c{connections}", f"-d{DURATION_SECONDS}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "connections": connections,
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


async def ping_latencies(base_url: str, token: str, user_id: str) -> list[float]:
    def post_ping() -> str:
        request = urllib.request.Request(
            f"{base_url}/api/v1/realtime/ping", method="POST", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["data"]["nonce"]

    samples = []
    async with websockets.connect(base_url.replace("http", "ws", 1) + "/api/v1/ws") as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        await ws.recv()
        await ws.send(json.dumps({"type": "subscribe", "channel": f"user:{user_id}"}))
        await ws.recv()
        for _ in range(PING_SAMPLES):
            started = time.perf_counter()
            nonce = await asyncio.to_thread(post_ping)
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if event["data"]["payload"]["nonce"] != nonce:
                raise RuntimeError(f"Expected the PING for {nonce}, got {event}")
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def selected_parts() -> set[str]:
    chosen = {part.strip() for part in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if part.strip()}
    unknown = chosen - set(PARTS)
    if unknown:
        sys.exit(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    return chosen


def main() -> None:
    parts = selected_parts()
    wrk = ensure_wrk() if "http" in parts else ""
    model = ModelStandIn()
    run_dir = BENCH_DIR / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": str(run_dir),
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # The operator's `openai` provider is the bench's model stand-in (scripts/bench_runs.py).
        "OPENAI_BASE_URL": model.base_url,
        "OPENAI_API_KEY": "bench-operator-key",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    token = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", SEED], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()

    log = (run_dir / "stack.log").open("w")
    stack = subprocess.Popen(
        [*manage, "runstack"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/health/ready", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or stack.poll() is not None:
                    sys.exit(f"The system did not become ready; see {run_dir / 'stack.log'}")
                time.sleep(0.5)
        request = urllib.request.Request(f"{base_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            user_id = json.loads(response.read())["data"]["id"]

        scenarios = [
            ("GET /health", f"{base_url}/health", None),
            ("GET /api/v1/auth/tokens?pageSize=20 (bearer token)", f"{base_url}/api/v1/auth/tokens?pageSize=20", token),
        ]
        results = {
            "started_at": datetime.now(UTC).isoformat(),
            "duration_seconds": DURATION_SECONDS,
            "machine": machine(),
        }
        if "http" in parts:
            results["http"] = []
            for name, url, auth in scenarios:
                run_wrk(wrk, url, 4, auth)  # warm-up, discarded
                for connections in CONNECTIONS:
                    results["http"].append({"scenario": name, **run_wrk(wrk, url, connections, auth)})
        if "realtime" in parts:
            pings = asyncio.run(ping_latencies(base_url, token, user_id))
            results["realtime_ping"] = {
                "samples": len(pings),
                "p50_ms": round(statistics.median(pings), 2),
                "p99_ms": round(percentile(pings, 0.99), 2),
            }
        if "runs" in parts:
            results["runs"] = measure_runs(base_url, token, model)
        if "architecture" in parts:
            results["architecture"] = measure_architecture()
        if "flows" in parts:
            results["flows"] = {"blocksmith": measure_blocksmith_flows(base_url, token)}
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        stack.wait(timeout=60)
    if "flows" in parts:
        # n8n runs once Blocksmith has stopped, so neither takes cores from the other.
        try:
            results["flows"]["n8n"] = measure_n8n(BENCH_DIR / "n8n", free_port())
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            results["flows"]["n8n"] = {"error": str(error)}

    host = results["machine"]
    print(f"\nBlocksmith {DURATION_SECONDS}s runs on {host['cpus']} CPUs ({host['cpu_model']})")
    if "http" in results:
        print(f"{'scenario':52} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for row in results["http"]:
            print(
                f"{row['scenario']:52} {row['connections']:>5} {row['requests_per_second']:>9.1f} "
                f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['non_2xx']:>8}"
            )
    if "realtime_ping" in results:
        ping = results["realtime_ping"]
        name = "POST /realtime/ping → worker → WebSocket event"
        print(f"{name:52} {1:>5} {'':>9} {ping['p50_ms']:>8.2f} {ping['p99_ms']:>8.2f}")
    if "runs" in results:
        print_runs(results["runs"])
    if "architecture" in results:
        print_architecture(results["architecture"])
    if "flows" in results:
        print_flows(results["flows"])
    out = BENCH_DIR / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
