"""Serve the portal with a Celery worker and beat, as `make run` does.

The three processes share this process's database and Redis (embedded or from the
environment). Ctrl-C stops them all, and the embedded servers with them unless
``--keep-services`` is given.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cal_portal import embedded


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--keep-services", action="store_true", help="Leave embedded servers running.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The children read the same settings: they reuse the embedded servers this
        # process started (same data folder), or the servers the environment names.
        env = os.environ.copy()
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{options['host']}:{options['port']}"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "cal_portal",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "beat": [python, "-m", "celery", "-A", "cal_portal", "beat", "--loglevel=INFO"],
        }
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"CAL Portal: http://{options['host']}:{options['port']}/ (Ctrl-C stops the portal)"
            )
        )
        stopping = False

        def _stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with {process.returncode}; stopping the portal")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            if not options["keep_services"] and not os.environ.get("DATABASE_URL"):
                embedded.stop(settings.EMBEDDED_FOLDER)
                self.stdout.write("embedded PostgreSQL and Redis stopped")
