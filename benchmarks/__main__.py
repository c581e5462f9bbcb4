"""`make bench`: response times and query counts of the main pages and API lists
on the demo network at --scale 1 and --scale 10, in its own embedded database.

In-process requests through Django's test client (no network, no server): the
figures are the portal's own work per request, median of repeated runs. Pages are
found by URL name; one that does not exist is listed as not measured and the run
exits non-zero.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("CAL_EMBEDDED_PROFILE", "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cal_portal.settings.local")
os.environ["DEBUG"] = "false"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)
# WeasyPrint logs every layout step of the report PDFs; the figures are what matters here.
for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(noisy).setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from benchmarks import reports as report_bench  # noqa: E402
from benchmarks import throughput  # noqa: E402
from cal_portal import embedded  # noqa: E402

REPEAT = 30


@dataclass(frozen=True)
class Page:
    """A measured page, found by its URL name so that a renamed or missing page is
    reported rather than measured as a 404."""

    label: str
    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""
    username: str | None = None

    def url(self) -> str:
        return reverse(self.name, kwargs=self.kwargs or None) + self.query


SZCZEPIN = {"slug": "cal-szczepin"}
PAGES = [
    Page("home (map + directory)", "centres:home"),
    Page("centre page (with events)", "centres:centre-detail", SZCZEPIN),
    Page("events", "centres:events"),
    Page("centre calendar (.ics)", "centres:centre-calendar", SZCZEPIN),
    Page("open data centres.geojson", "centres:open-data-centres-geojson"),
    Page("API centres list", "api:centre-list", query="?page_size=100"),
    Page("API activities (staff)", "api:activity-list", username="staff"),
    Page("workspace (operator-a)", "centres:workspace", username="operator-a"),
    Page("workspace activities (op-a)", "centres:workspace-activities", SZCZEPIN, username="operator-a"),
    Page("API me (operator-a)", "api:me", username="operator-a"),
    Page("network dashboard (animator)", "network:dashboard", username="animator"),
]
# The page whose throughput is compared with a minimal view on a real server (throughput.py).
THROUGHPUT_PAGE = PAGES[-1]


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm caches and connections
    queries = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(queries)


def main() -> int:
    call_command("migrate", verbosity=0)
    # Start from empty: seed_demo never deletes, so an earlier --scale 10 would linger.
    call_command("flush", interactive=False, verbosity=0)
    missing: dict[str, str] = {}
    pages = []
    for page in PAGES:
        try:
            page.url()
        except NoReverseMatch:
            missing[page.label] = page.name
        else:
            pages.append(page)
    try:
        from django.contrib.auth import get_user_model

        from centres.models import Activity, Centre

        results: dict[str, dict[int, tuple[float, int]]] = {}
        rates: dict[int, tuple[throughput.Rate, throughput.Rate]] = {}
        report_times: dict[int, tuple[str, float, float, float]] = {}
        for scale in (1, 10):
            start = time.perf_counter()
            call_command("seed_demo", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
            seconds = time.perf_counter() - start
            centres, activities = Centre.objects.count(), Activity.objects.count()
            print(f"scale {scale}: {centres} centres, {activities} activities (seed_demo {seconds:.1f} s)")
            report_times[scale] = report_bench.measure()
            for page in pages:
                client = Client()
                if page.username:
                    client.force_login(get_user_model().objects.get(username=page.username))
                results.setdefault(page.label, {})[scale] = measure(client, page.url())
                if page is THROUGHPUT_PAGE:
                    cookie = (
                        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
                    )
                    connection.close()  # the server's workers open their own
                    rates[scale] = throughput.compare(page.url(), cookie=cookie)
        print()
        print(f"{'page':32} {'scale 1 ms':>11} {'queries':>8} {'scale 10 ms':>12} {'queries':>8}")
        for label, by_scale in results.items():
            (t1, q1), (t10, q10) = by_scale[1], by_scale[10]
            print(f"{label:32} {t1:11.1f} {q1:8d} {t10:12.1f} {q10:8d}")
        for label, name in missing.items():
            print(f"{label:32} {'not measured: no URL named ' + repr(name):>42}")
        print(f"\nmedian of {REPEAT} requests each, in-process test client,", end=" ")
        print(f"PostgreSQL {connection.pg_version}")
        print(f"\n{THROUGHPUT_PAGE.label} vs a minimal Django view, one gunicorn server")
        print(f"({throughput.WORKERS} workers, {throughput.CONCURRENCY} concurrent clients, ", end="")
        print(f"{throughput.SECONDS:.0f} s each):")
        for scale, (page_rate, baseline) in rates.items():
            ratio = page_rate.per_second / baseline.per_second if baseline.per_second else 0.0
            print(
                f"scale {scale:>2}: dashboard {page_rate.per_second:7.1f} req/s, "
                f"minimal view {baseline.per_second:7.1f} req/s, ratio {ratio:.3f} "
                f"(errors {page_rate.errors + baseline.errors})"
            )
        print(f"\nmonthly network report (median of {report_bench.REPEAT}), vs the raw SQL aggregate:")
        for scale, (month, figures_ms, full_ms, sql_ms) in report_times.items():
            print(
                f"scale {scale:>2}: {month} figures {figures_ms:7.1f} ms, whole report with PDF and XLSX "
                f"{full_ms:7.1f} ms, raw SQL aggregate {sql_ms:6.2f} ms"
            )
    finally:
        connection.close()
        if not os.environ.get("DATABASE_URL"):
            embedded.stop(settings.EMBEDDED_FOLDER)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
