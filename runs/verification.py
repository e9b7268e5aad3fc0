"""Run a generated project's acceptance tests in a sandboxed subprocess and report per criterion.

The sandbox: no network (a fresh network namespace via `unshare -rn` where the kernel allows it, and
a socket guard in the interpreter always), a clean environment, an isolated interpreter without
site-packages (the standard library only, as the generated apps promise), CPU, memory, file-size
and process limits, and a wall-clock timeout. `should_stop` is polled so a cancelled run stops it.
"""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

OUTPUT_EXCERPT = 2000
POLL_SECONDS = 0.5

# Refuses sockets (other than unix ones), then runs `python -m tests` from the project directory.
_BOOTSTRAP = """
import runpy, socket, sys
_connect = socket.socket.connect
def _guarded(self, address, *args):
    if self.family != socket.AF_UNIX:
        raise OSError("network access is disabled during verification")
    return _connect(self, address, *args)
socket.socket.connect = _guarded
socket.socket.connect_ex = _guarded
sys.path.insert(0, ".")
sys.argv = ["tests", *sys.argv[1:]]
runpy.run_module("tests", run_name="__main__", alter_sys=True)
"""


class VerificationCancelled(Exception):
    pass


@cache
def _network_namespace_available() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False).returncode == 0


def _limits() -> None:
    cpu = settings.VERIFY_CPU_SECONDS
    memory = settings.VERIFY_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (100 * 1024 * 1024, 100 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def verify(project_dir: Path, criteria: list[dict[str, Any]], should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Run the tests of `project_dir`; every criterion of `criteria` ({id, title}) gets passed or failed."""
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        report_path = Path(scratch) / "report.json"
        command = [sys.executable, "-I", "-S", "-c", _BOOTSTRAP, "--report", str(report_path)]
        if _network_namespace_available():
            command = ["unshare", "-rn", *command]
        environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "LANG": "C.UTF-8", "TMPDIR": scratch}
        started = time.monotonic()
        with open(Path(scratch) / "output.txt", "w+") as output:
            process = subprocess.Popen(
                command,
                cwd=project_dir,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_limits,
                start_new_session=True,
            )
            timed_out = False
            while process.poll() is None:
                if should_stop():
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    raise VerificationCancelled
                if time.monotonic() - started > settings.VERIFY_TIMEOUT_SECONDS:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    timed_out = True
                    break
                time.sleep(POLL_SECONDS)
            output.seek(0)
            text = output.read()
        report = json.loads(report_path.read_text()) if report_path.exists() else {"criteria": {}}
    results = []
    for criterion in criteria:
        found = report["criteria"].get(criterion["id"])
        if found is None:
            reason = "timed out" if timed_out else "did not run (see the output)"
            found = {"status": "failed", "output": f"The test of this criterion {reason}."}
        results.append(
            {"id": criterion["id"], "title": criterion["title"], "status": found["status"], "output": found["output"]}
        )
    passed = sum(result["status"] == "passed" for result in results)
    return {
        "passed": process.returncode == 0 and passed == len(results) and not timed_out,
        "exitCode": process.returncode,
        "timedOut": timed_out,
        "durationMs": int((time.monotonic() - started) * 1000),
        "summary": {"total": len(results), "passed": passed, "failed": len(results) - passed},
        "criteria": results,
        "output": text[-OUTPUT_EXCERPT:],
        "sandbox": {
            "network": "namespace" if _network_namespace_available() else "guarded",
            "pythonSitePackages": False,
        },
    }
