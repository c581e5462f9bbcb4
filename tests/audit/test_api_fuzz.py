"""API fuzzing: schemathesis against the portal's own OpenAPI schema (``/api/schema/``)
on a live test server with the demo network, as city staff and as an operator, each
with a DRF token from ``POST /api/v1/auth/token/``. No server error and no response
that breaks the schema (undocumented status code or content type, a body or header
that does not match); what it finds is fixed in the code, not excluded here.

Bounded so that `make audit` takes minutes: the examples, fuzzing and stateful phases
with ``AUDIT_MAX_EXAMPLES`` cases per operation and a fixed seed (reproducible in CI).
For a deeper run: ``AUDIT_PHASES=examples,coverage,fuzzing,stateful`` (adds the
coverage phase: every boundary and invalid value the schema implies, thousands of
requests per role), a larger ``AUDIT_MAX_EXAMPLES``, ``AUDIT_SEED=random``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.audit.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.audit, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = os.environ.get("AUDIT_MAX_EXAMPLES", "25")
SEED = os.environ.get("AUDIT_SEED", "20261123")
PHASES = os.environ.get("AUDIT_PHASES", "examples,fuzzing,stateful")
WORKERS = os.environ.get("AUDIT_WORKERS", "4")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
SCHEMATHESIS = Path(sys.executable).with_name("st")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _token(username: str) -> str:
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


@pytest.mark.parametrize("username", ["staff", "operator-a"])
def test_api_survives_fuzzing_without_errors_or_schema_violations(
    username: str, live_server: Any, demo: Any, reports_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        CHECKS,
        "--phases",
        PHASES,
        "--max-examples",
        MAX_EXAMPLES,
        "--workers",
        WORKERS,
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(reports_dir / f"schemathesis-{username}.xml"),
        "--header",
        f"Authorization: Token {_token(username)}",
    ]
    if SEED != "random":
        command += ["--seed", SEED]
    # Run in audit-results/ (git-ignored): schemathesis keeps the failures it found
    # there and tries them first next time.
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=1200, check=False, cwd=reports_dir
    )
    output = ANSI.sub("", result.stdout + result.stderr)
    (reports_dir / f"schemathesis-{username}.txt").write_text(output)
    with capsys.disabled():
        print(f"\nschemathesis as {username} (phases {PHASES}, {MAX_EXAMPLES} examples per operation)")
        print(output)
    assert result.returncode == 0, f"schemathesis as {username} found failures (see the output above)"
