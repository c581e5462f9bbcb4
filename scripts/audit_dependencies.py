"""pip-audit, the PyPA's tool, on the project's dependencies: `make audit` runs
``python scripts/audit_dependencies.py -r requirements-dev.txt --no-deps --disable-pip`` (the pins)
and ``python scripts/audit_dependencies.py`` (everything installed in the virtualenv, with the
dependencies of the pins).

Every vulnerability in ``.pip-audit-ignore`` is passed as ``--ignore-vuln``; each line
there must say why it is acceptable (``ID  # reason``), or this script refuses to run.

One adaptation to networks that reach PyPI through a mirror which serves a project's
JSON document (``/pypi/NAME/json``) but not the per-version one (``/pypi/NAME/VERSION/json``)
that pip-audit asks for: when the per-version document is missing and the pinned version
is the project's latest release, the project document answers instead. Its
``vulnerabilities`` are those of the latest release, so for that version they are exactly
what the per-version document holds; parsing and judging them stays pip-audit's own. A
version that is not the latest is reported by pip-audit as not audited.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from pip_audit import _cli
from pip_audit._service import pypi
from pip_audit._service.interface import SkippedDependency

IGNORE_FILE = Path(__file__).resolve().parent.parent / ".pip-audit-ignore"
PER_VERSION = re.compile(r"https://pypi\.org/pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json")


class _ProjectDocumentFallback:
    """Wraps pip-audit's HTTP session: a 404 for a per-version document is answered by
    the project document when the version is the latest release."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.latest: dict[str, str] = {}  # project -> its latest release, as PyPI says

    def get(self, url: str, **kwargs: Any) -> Any:
        response = self._session.get(url, **kwargs)
        match = PER_VERSION.fullmatch(url)
        if response.status_code != 404 or not match:
            return response
        project = self._session.get(f"https://pypi.org/pypi/{match['name']}/json", **kwargs)
        if not project.ok:
            return response
        self.latest[match["name"]] = latest = project.json().get("info", {}).get("version", "")
        return project if latest == match["version"] else response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class PyPIService(pypi.PyPIService):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = self.fallback = _ProjectDocumentFallback(self.session)

    def query(self, spec: Any) -> Any:
        dependency, vulnerabilities = super().query(spec)
        latest = self.fallback.latest.get(spec.canonical_name)
        if dependency.is_skipped() and not spec.is_skipped() and latest:
            # Say why, rather than pip-audit's "not found on PyPI".
            reason = f"not audited: no per-version JSON here, and {spec.version} is not the latest ({latest})"
            dependency = SkippedDependency(name=spec.name, skip_reason=reason)
        return dependency, vulnerabilities


def ignored_vulnerabilities() -> list[str]:
    """IDs from .pip-audit-ignore; a line without a written reason is an error."""
    ids = []
    for number, line in enumerate(IGNORE_FILE.read_text().splitlines(), start=1):
        entry, _, reason = line.partition("#")
        if not entry.strip():
            continue
        if not reason.strip():
            sys.exit(f"{IGNORE_FILE.name}:{number}: {entry.strip()} has no reason (write: ID  # why)")
        ids.append(entry.strip())
    return ids


def main() -> None:
    _cli.PyPIService = PyPIService  # type: ignore[misc]
    ignores = [arg for vuln in ignored_vulnerabilities() for arg in ("--ignore-vuln", vuln)]
    sys.argv = ["pip-audit", "--progress-spinner", "off", *sys.argv[1:], *ignores]
    _cli.audit()


if __name__ == "__main__":
    main()
