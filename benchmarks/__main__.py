"""`make bench`: response times and query counts of the main pages and API lists
on the demo network at --scale 1 and --scale 10, in its own embedded database.

In-process requests through Django's test client (no network, no server): the
figures are the portal's own work per request, median of repeated runs.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("CAL_EMBEDDED_PROFILE", "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cal_portal.settings.local")
os.environ["DEBUG"] = "false"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cal_portal import embedded  # noqa: E402

REPEAT = 30
URLS = [
    ("home (map + directory)", "/", None),
    ("centre page", "/centres/cal-szczepin/", None),
    ("open data centres.geojson", "/open-data/centres.geojson", None),
    ("API centres list", "/api/v1/centres/?page_size=100", None),
    ("workspace (operator-a)", "/workspace/", "operator-a"),
    ("API me (operator-a)", "/api/v1/me/", "operator-a"),
]


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
    try:
        results: dict[str, dict[int, tuple[float, int]]] = {}
        for scale in (1, 10):
            call_command("seed_demo", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
            from centres.models import Centre

            centres = Centre.objects.count()
            print(f"scale {scale}: {centres} centres", flush=True)
            for label, url, username in URLS:
                client = Client()
                if username:
                    from django.contrib.auth import get_user_model

                    client.force_login(get_user_model().objects.get(username=username))
                results.setdefault(label, {})[scale] = measure(client, url)
        print()
        print(f"{'page':32} {'scale 1 ms':>11} {'queries':>8} {'scale 10 ms':>12} {'queries':>8}")
        for label, by_scale in results.items():
            (t1, q1), (t10, q10) = by_scale[1], by_scale[10]
            print(f"{label:32} {t1:11.1f} {q1:8d} {t10:12.1f} {q10:8d}")
        print(f"\nmedian of {REPEAT} requests each, in-process test client,", end=" ")
        print(f"PostgreSQL {connection.pg_version}")
    finally:
        connection.close()
        if not os.environ.get("DATABASE_URL"):
            embedded.stop(settings.EMBEDDED_FOLDER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
