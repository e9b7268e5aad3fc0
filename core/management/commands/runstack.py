"""`make run`: the whole system in one terminal.

Migrates, collects static files, creates the demo accounts (DEBUG only), then runs daphne (HTTP +
WebSocket), a Celery worker, Celery beat and — when REDIS_URL is not set — an embedded Redis,
under one process manager (honcho) with prefixed logs. Ctrl-C stops them all. A banner with the
URLs and logins is printed once /health/ready answers.
"""

import os
import shlex
import sys
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from honcho.manager import Manager
from honcho.printer import Printer

from accounts.bootstrap import DemoAccounts, demo_accounts_ensure
from core.embedded_redis import embedded_redis_argv

READY_TIMEOUT_SECONDS = 120


class Command(BaseCommand):
    help = "Run daphne, a Celery worker, Celery beat and (without REDIS_URL) Redis, under one process manager."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host: str, port: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        demo = demo_accounts_ensure(var_dir=settings.VAR_DIR) if settings.DEBUG else None

        env = {**os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        manager = Manager(Printer(sys.stdout))
        if "REDIS_URL" not in os.environ:
            redis_dir = settings.EMBEDDED_REDIS_SOCKET.parent
            redis_dir.mkdir(parents=True, exist_ok=True)
            settings.EMBEDDED_REDIS_SOCKET.unlink(missing_ok=True)
            argv = embedded_redis_argv(settings.EMBEDDED_REDIS_SOCKET, redis_dir, persist=True)
            manager.add_process("redis", shlex.join(argv), env=env)
        python = sys.executable
        manager.add_process(
            "web", shlex.join([python, "-m", "daphne", "-b", host, "-p", str(port), "config.asgi:application"]), env=env
        )
        manager.add_process(
            "worker", shlex.join([python, "-m", "celery", "-A", "config", "worker", "-l", "INFO"]), env=env
        )
        manager.add_process(
            "beat", shlex.join([python, "-m", "celery", "-A", "config", "beat", "-l", "INFO", "--pidfile="]), env=env
        )

        base_url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"  # noqa: S104
        threading.Thread(target=self._announce_when_ready, args=(base_url, demo), daemon=True).start()
        manager.loop()
        sys.exit(manager.returncode)

    def _announce_when_ready(self, base_url: str, demo: DemoAccounts | None) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base_url}/health/ready", timeout=2):  # noqa: S310 - our own server
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        else:
            self.stdout.write(self.style.ERROR(f"Not ready after {READY_TIMEOUT_SECONDS}s: see {base_url}/health"))
            return
        lines = [
            "",
            "Blocksmith is ready.",
            f"  API        {base_url}/api/v1/",
            f"  API docs   {base_url}/api/v1/docs/",
            f"  WebSocket  {base_url.replace('http', 'ws', 1)}/api/v1/ws",
            f"  Health     {base_url}/health",
            f"  Admin      {base_url}/admin/",
        ]
        if demo is not None:
            lines += [
                f"  Admin login      {demo.admin_email} / {demo.admin_password}",
                f"  Demo API token   {demo.demo_token}   ({demo.demo_email}, pro tier)",
                f'  Try it           curl -H "Authorization: Bearer {demo.demo_token}" {base_url}/api/v1/auth/me',
            ]
        lines.append("Press Ctrl-C to stop.\n")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
