"""`make bench`: the time to build the monthly network report (its figures through
network.stats, then HTML, PDF and XLSX) against the time of an equivalent raw SQL aggregate
of the same month's headline figures on the same data."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from network.reports import network as network_reports
from network.reports import network_exports
from network.stats import StatsFilter, add_months, month_start, period_bounds

REPEAT = 5

# The headline figures of one month in one statement: activities, participants, volunteer
# hours and resident-initiated activities per CAL method, of every centre.
RAW_SQL = """
SELECT a.method, count(*), sum(a.participants_0_12 + a.participants_13_17 + a.participants_18_25
       + a.participants_26_59 + a.participants_60_plus), coalesce(sum(a.volunteer_hours), 0),
       count(*) FILTER (WHERE a.resident_initiated)
FROM centres_activity a
WHERE a.start >= %s AND a.start < %s
GROUP BY a.method
"""


def _median(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure() -> tuple[str, float, float, float]:
    """(month, ms to read the figures, ms to build the whole report, ms of the raw SQL)."""
    start = add_months(month_start(timezone.localdate()), -1)
    f = StatsFilter(start=start, end=add_months(start, 1) - timedelta(days=1))
    figures_ms, full_ms, sql_ms = [], [], []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        figures = network_reports.report_figures(f)
        t1 = time.perf_counter()
        network_exports.render_html(figures)
        network_exports.render_pdf(figures)
        network_exports.render_xlsx(figures)
        t2 = time.perf_counter()
        figures_ms.append(t1 - t0)
        full_ms.append(t2 - t0)
        lower, upper = period_bounds(f)
        t3 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [lower, upper])
            cursor.fetchall()
        sql_ms.append(time.perf_counter() - t3)
    return start.strftime("%Y-%m"), _median(figures_ms), _median(full_ms), _median(sql_ms)
