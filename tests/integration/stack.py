"""Starts the real processes (daphne, Celery worker) against the test database and Redis."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def stack_environment(var_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production-like settings (not the eager, in-memory test settings) on the test's database and Redis."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }


def wait_until_ready(base_url: str, processes: dict[str, subprocess.Popen], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/health/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{base_url}/health/ready was not 200 within {timeout}s")


class Stack:
    """A running daphne and Celery worker (and beats, when started); the worker can be killed (SIGKILL, whole
    process group) and restarted."""

    def __init__(self, var_dir: Path, environment: dict[str, str], worker_concurrency: int):
        self.var_dir = var_dir
        self.environment = environment
        self.worker_concurrency = worker_concurrency
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.workers_started = 0

    def _start(self, name: str, command: list[str]) -> None:
        log = (self.var_dir / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self) -> None:
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"]
        self._start("web", command)

    def start_worker(self) -> None:
        self.workers_started += 1
        name = f"it-{self.port}-{self.workers_started}@%h"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "INFO"]
        self._start("worker", [*command, "-c", str(self.worker_concurrency), "-n", name])

    def start_beat(self, name: str = "beat", scheduler: str | None = None) -> None:
        """Celery beat; `scheduler` replaces the configured (locked) one, e.g. to run several beats at once."""
        command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO", "--pidfile="]
        self._start(name, [*command, "-S", scheduler] if scheduler else command)

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        process.wait(timeout=20)

    def worker_log(self) -> str:
        return (self.var_dir / "worker.log").read_text(errors="replace")

    def kill_worker(self) -> None:
        """What a crashed machine does to the worker: every process of it dies at once, nothing is cleaned up."""
        worker = self.processes.pop("worker")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_stack(var_dir: Path, environment: dict[str, str] | None = None, worker_concurrency: int = 1):
    """Yields a running `Stack` (daphne + one Celery worker) on the test database; stops it afterwards."""
    stack = Stack(var_dir, stack_environment(var_dir, environment), worker_concurrency)
    try:
        stack.start_web()
        stack.start_worker()
        wait_until_ready(stack.base_url, stack.processes)
        yield stack
    finally:
        stack.stop()


def http(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    """A JSON request to the running stack with a bearer token."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())
