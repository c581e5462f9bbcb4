"""The network dashboard, its CSV downloads and the stats API: who may see them, what they
show for the known network of tests/network/stats_data.py, and their query counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from centres.access import DASHBOARD_GUEST_GROUP, can_view_dashboard
from centres.models import District, Volunteer
from network.stats import StatsFilter
from tests.factories import (
    ActivityFactory,
    CentreFactory,
    MembershipFactory,
    OperatorTermFactory,
    OrganizationFactory,
    OsiedleFactory,
    UserFactory,
    VolunteerFactory,
)
from tests.network.stats_data import HALF_YEAR, activity, at, build_network

pytestmark = pytest.mark.django_db

URL = "/network/"
HALF_YEAR_QUERY = "start=2026-01-01&end=2026-06-30"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return english(client)


def grant(user: Any) -> Any:
    user.groups.add(AuthGroup.objects.get_or_create(name=DASHBOARD_GUEST_GROUP)[0])
    return user


@pytest.fixture
def network() -> SimpleNamespace:
    return build_network()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- Who sees it ------------------------------------------------------------------------------


def test_urls() -> None:
    assert reverse("network:dashboard") == URL
    assert reverse("network:stats-csv", kwargs={"figure": "needs"}) == "/network/stats/needs.csv"


def test_anonymous_visitor_is_sent_to_log_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/network/"
    csv_response = Client().get("/network/stats/needs.csv?district=krzyki")
    assert csv_response.status_code == 302
    assert csv_response["Location"].startswith("/accounts/login/?next=/network/stats/needs.csv")


@pytest.mark.parametrize("role", ["animator", "team_member", "city_staff"])
def test_network_viewers_see_the_dashboard(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)
    response = signed_in(user).get(URL)
    assert response.status_code == 200
    assert response.context["filter"] == StatsFilter.default()
    assert can_view_dashboard(user) is True


def test_operator_without_the_grant_gets_404(operator_a: Any) -> None:
    client = signed_in(operator_a)
    assert client.get(URL).status_code == 404
    assert client.get("/network/stats/centres.csv").status_code == 404
    assert can_view_dashboard(operator_a) is False


def test_signed_in_user_with_no_role_gets_404() -> None:
    assert signed_in(UserFactory(username="resident")).get(URL).status_code == 404


def test_operator_granted_by_the_city_sees_figures_but_no_volunteer(network: SimpleNamespace) -> None:
    # Given an operator of CAL Szczepin, whose own centre has volunteers too
    operator_a = UserFactory(username="operator-a")
    MembershipFactory(user=operator_a, organization=network.c1.terms.get().organization)
    centre_a = network.c1
    assert can_view_dashboard(operator_a) is False
    VolunteerFactory(centre=centre_a, name="Zofia Sąsiadka", email="zofia@example.org", phone="600 700 800")
    # When the city grants the dashboard and the operator opens it and every CSV
    grant(operator_a)
    client = signed_in(operator_a)
    response = client.get(f"{URL}?{HALF_YEAR_QUERY}")
    assert response.status_code == 200
    page = response.content.decode()
    # Then the volunteer figures are there as counts and hours
    assert response.context["volunteers"].hours == 14
    # And no volunteer's name, e-mail or phone appears anywhere, nor in any download
    downloads = "".join(
        client.get(f"/network/stats/{figure}.csv?{HALF_YEAR_QUERY}").content.decode("utf-8-sig")
        for figure in ("volunteers", "centres", "osiedla", "active-centres", "partners-by-kind")
    )
    for volunteer in Volunteer.objects.exclude(name=""):
        for value in (volunteer.name, volunteer.email, volunteer.phone):
            assert value not in page
            assert value not in downloads
    assert Volunteer.objects.exclude(name="").count() == 5


def test_a_granted_user_without_a_centre_sees_it_too() -> None:
    councillor = grant(UserFactory(username="councillor"))
    assert signed_in(councillor).get(URL).status_code == 200


# --- What it shows ----------------------------------------------------------------------------


def test_key_figures_of_the_half_year(network: SimpleNamespace, animator: Any) -> None:
    response = signed_in(animator).get(f"{URL}?{HALF_YEAR_QUERY}")
    assert response.context["filter"] == HALF_YEAR
    kpis = dict(
        re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", response.content.decode().replace("&nbsp;", " "))
    )
    assert kpis == {
        "Active centres": "3",
        "Activities": "6",
        "Participants": "57",
        "Volunteer hours": "14.0",
        "Initiated by residents": "50.0 %",
        "Open needs": "1",
        "Certificates expiring within six months": "1",
    }


def test_filtered_to_one_district(network: SimpleNamespace, animator: Any) -> None:
    response = signed_in(animator).get(f"{URL}?{HALF_YEAR_QUERY}&district=krzyki")
    context = response.context
    assert context["filter"] == HALF_YEAR.with_area(district=District.KRZYKI)
    assert context["area_label"] == "district Krzyki"
    assert [row.name for row in context["centre_rows"]] == ["CAL Gaj"]
    assert [row.slug for row in context["osiedla"]] == ["gaj", "jagodno"]
    method_table = context["charts"][0].table
    assert [(str(label), n) for label, n, _p in method_table.rows] == [
        ("recognising needs", 0),
        ("organising activity", 0),
        ("action in public space", 0),
        ("work with the community", 1),
        ("networking", 1),
    ]
    # The form keeps what was chosen.
    page = response.content.decode()
    assert '<option value="krzyki" selected>Krzyki</option>' in page
    assert 'value="2026-01-01"' in page
    assert 'value="2026-06-30"' in page


def test_filtered_to_one_centre_and_one_osiedle(network: SimpleNamespace, animator: Any) -> None:
    client = signed_in(animator)
    centre = client.get(f"{URL}?{HALF_YEAR_QUERY}&centre=cal-szczepin").context
    assert (centre["area_label"], centre["total_activities"]) == ("CAL Szczepin", 3)
    osiedle = client.get(f"{URL}?{HALF_YEAR_QUERY}&osiedle=nadodrze").context
    assert (osiedle["area_label"], osiedle["total_activities"]) == ("osiedle Nadodrze", 4)


def test_every_chart_has_its_data_a_table_and_a_csv_link(network: SimpleNamespace, animator: Any) -> None:
    response = signed_in(animator).get(f"{URL}?{HALF_YEAR_QUERY}&district=krzyki")
    page = response.content.decode()
    charts = response.context["charts"]
    assert [block.figure for block in charts] == [
        "activities-by-method",
        "activities-by-month",
        "participants-by-age",
        "partners-by-kind",
        "partnerships-by-phase",
        "needs",
        "self-assessment",
    ]
    for block in charts:
        assert f'<canvas class="dashboard-chart__canvas" data-chart-source="{block.chart_id}">' in page
        assert f'<script id="{block.chart_id}" type="application/json">' in page
        assert f"<caption>{block.table.caption}</caption>" in page
        href = f"/network/stats/{block.figure}.csv?start=2026-01-01&amp;end=2026-06-30&amp;district=krzyki"
        assert f'<a href="{href}" download>' in page
    month = charts[1].chart
    assert month["labels"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert month["datasets"] == [
        {"label": "Activities", "data": [1, 0, 0, 1, 0, 0]},
        {"label": "Initiated by residents", "data": [1, 0, 0, 0, 0, 0]},
    ]
    assert charts[6].chart["datasets"][0]["data"] == [3.0, 4.0, 5.0, 2.0, 5.0]
    # Tables: a header cell per row and per column.
    assert '<th scope="col" class="table__number">Activities</th>' in page
    assert '<th scope="row">Work with the community</th>' in page
    # Only this page's own files: no inline script, no CDN.
    assert re.findall(r"<script(?![^>]*(?:src=\"/static/|type=\"application/json\"))", page) == []
    assert "/static/vendor/chartjs/chart.umd.min.js" in page
    assert "/static/js/dashboard.js" in page


def test_map_without_boundaries_shows_the_centres_and_lists_the_osiedla(
    network: SimpleNamespace, animator: Any
) -> None:
    response = signed_in(animator).get(f"{URL}?{HALF_YEAR_QUERY}")
    map_data = response.context["map_data"]
    assert [(f["properties"]["kind"], f["properties"]["name"]) for f in map_data["features"]] == [
        ("centre", "CAL Gaj"),
        ("centre", "CAL Nadodrze"),
        ("centre", "CAL Szczepin"),
    ]
    assert response.context["has_boundaries"] is False
    text = text_of(response.content.decode())
    assert "The boundaries of the osiedla are not loaded" in text
    assert "3 osiedla of 4 are served by a centre that is not closed" in text
    osiedla = response.context["osiedla_block"].table
    assert [(row[0], str(row[2]), row[6]) for row in osiedla.rows] == [
        ("Gaj", "yes", Decimal("0.10")),
        ("Jagodno", "no", Decimal("0.00")),
        ("Nadodrze", "yes", None),
        ("Szczepin", "yes", Decimal("0.30")),
    ]


def test_map_draws_the_osiedla_boundaries_served_or_not(network: SimpleNamespace, animator: Any) -> None:
    from centres.models import Osiedle

    square = {"type": "Polygon", "coordinates": [[[17.0, 51.1], [17.1, 51.1], [17.1, 51.2], [17.0, 51.1]]]}
    Osiedle.objects.filter(slug="gaj").update(boundary=square)
    Osiedle.objects.filter(slug="jagodno").update(boundary={"type": "Feature", "geometry": square})
    response = signed_in(animator).get(f"{URL}?{HALF_YEAR_QUERY}&district=krzyki")
    features = response.context["map_data"]["features"]
    assert [
        (f["properties"]["name"], f["properties"].get("served"), f["geometry"]) for f in features[:2]
    ] == [
        ("Gaj", True, square),
        ("Jagodno", False, square),
    ]
    assert features[0]["properties"]["summary"] == "served · activities: 2 · per 1,000 residents: 0.10"
    assert response.context["has_boundaries"] is True


def test_centres_table_sorts_on_the_server(network: SimpleNamespace, animator: Any) -> None:
    client = signed_in(animator)
    response = client.get(f"{URL}?{HALF_YEAR_QUERY}&sort=-activities")
    assert [row.name for row in response.context["centre_rows"]] == [
        "CAL Szczepin",
        "CAL Gaj",
        "CAL Nadodrze",
    ]
    page = response.content.decode()
    headers = {h["column"].key: h for h in response.context["centre_headers"]}
    assert headers["activities"]["aria_sort"] == "descending"
    assert headers["activities"]["url"] == f"?{HALF_YEAR_QUERY}&sort=activities#centres-table"
    assert headers["participants"]["url"] == f"?{HALF_YEAR_QUERY}&sort=-participants#centres-table"
    assert headers["name"]["url"] == f"?{HALF_YEAR_QUERY}&sort=name#centres-table"
    assert page.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in page
    # The filter form keeps the order; the CSV of the table follows it.
    assert '<input type="hidden" name="sort" value="-activities">' in page
    assert response.context["centres_block"].csv_url.endswith("&sort=-activities")
    by_default = client.get(f"{URL}?{HALF_YEAR_QUERY}")
    assert 'aria-sort="ascending"' in by_default.content.decode()
    assert [row.name for row in by_default.context["centre_rows"]] == [
        "CAL Gaj",
        "CAL Nadodrze",
        "CAL Szczepin",
    ]


def test_bad_filters_are_explained_and_the_default_figures_shown(
    network: SimpleNamespace, animator: Any
) -> None:
    response = signed_in(animator).get(f"{URL}?start=2026-06-01&end=2026-01-01&district=nowhere")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "district": ["Select a valid choice. nowhere is not one of the available choices."],
    }
    response = signed_in(animator).get(f"{URL}?start=2026-06-01&end=2026-01-01")
    assert response.context["form"].errors == {"end": ["The end of the period cannot be before its start."]}
    assert response.context["filter"] == StatsFilter.default()
    assert "The end of the period cannot be before its start." in response.content.decode()
    too_long = signed_in(animator).get(f"{URL}?start=2000-01-01&end=2026-01-01")
    assert too_long.context["form"].errors == {"end": ["The period can be at most 120 months long."]}


def test_only_an_end_date_gives_the_twelve_months_before_it(network: SimpleNamespace, animator: Any) -> None:
    response = signed_in(animator).get(f"{URL}?end=2026-06-30")
    assert response.context["filter"] == StatsFilter(start=date(2025, 7, 1), end=date(2026, 6, 30))


# --- CSV ------------------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_of_a_chart_matches_its_table(network: SimpleNamespace, animator: Any) -> None:
    response = signed_in(animator).get(f"/network/stats/activities-by-method.csv?{HALF_YEAR_QUERY}")
    assert response["Content-Disposition"] == (
        'attachment; filename="activities-by-method_2026-01-01_2026-06-30.csv"'
    )
    assert read_csv(response) == [
        ["CAL method", "Activities", "Participants"],
        ["Recognising needs", "1", "8"],
        ["Organising activity", "2", "19"],
        ["Action in public space", "1", "10"],
        ["Work with the community", "1", "8"],
        ["Networking", "1", "12"],
    ]


def test_csv_downloads_of_the_other_figures(network: SimpleNamespace, animator: Any) -> None:
    client = signed_in(animator)
    krzyki = f"{HALF_YEAR_QUERY}&district=krzyki"
    assert read_csv(client.get(f"/network/stats/activities-by-month.csv?{krzyki}")) == [
        ["Month", "Activities", "Participants", "Initiated by residents"],
        ["2026-01", "1", "8", "1"],
        ["2026-02", "0", "0", "0"],
        ["2026-03", "0", "0", "0"],
        ["2026-04", "1", "12", "0"],
        ["2026-05", "0", "0", "0"],
        ["2026-06", "0", "0", "0"],
    ]
    assert read_csv(client.get(f"/network/stats/volunteers.csv?{HALF_YEAR_QUERY}")) == [
        ["Measure", "Value"],
        ["Volunteers involved in activities (summed over activities)", "9"],
        ["Volunteer hours", "14.0"],
        ["Activities with volunteers", "5"],
        ["Active volunteers on the centres' records", "3"],
        ["Of whom local leaders", "2"],
    ]
    assert read_csv(client.get(f"/network/stats/certificates-expiring.csv?{HALF_YEAR_QUERY}")) == [
        ["Centre", "Valid until", "Days left"],
        ["CAL Szczepin", "2026-09-01", "63"],
    ]
    assert read_csv(client.get(f"/network/stats/centres.csv?{HALF_YEAR_QUERY}&sort=-activities")) == [
        [
            "Centre",
            "District",
            "Status",
            "Activities",
            "Participants",
            "Volunteer hours",
            "Initiated by residents (%)",
            "Local partnerships",
            "Needs not yet met",
            "Certificate valid until",
            "Self-assessment (0–25)",
        ],
        ["CAL Szczepin", "Stare Miasto", "active", "3", "29", "6.0", "66.7", "1", "2", "2026-09-01", "18"],
        ["CAL Gaj", "Krzyki", "active", "2", "20", "3.5", "50.0", "1", "0", "2028-03-01", "19"],
        ["CAL Nadodrze", "Stare Miasto", "pilot", "1", "8", "4.5", "0.0", "0", "0", "", ""],
    ]
    assert read_csv(client.get(f"/network/stats/osiedla.csv?{krzyki}")) == [
        [
            "Osiedle",
            "District",
            "Served by a centre",
            "Centres serving it",
            "Population",
            "Activities",
            "Activities per 1,000 residents",
        ],
        ["Gaj", "Krzyki", "yes", "1", "20000", "2", "0.10"],
        ["Jagodno", "Krzyki", "no", "0", "5000", "0", "0.00"],
    ]


def test_csv_headers_are_in_the_visitors_language(network: SimpleNamespace, animator: Any) -> None:
    client = Client()
    client.force_login(animator)  # Polish, the default language
    url = f"/network/stats/certificates-expiring.csv?{HALF_YEAR_QUERY}"
    assert read_csv(client.get(url))[0][0] == "Centrum"
    assert read_csv(signed_in(animator).get(url))[0][0] == "Centre"


def test_csv_of_an_unknown_figure_or_bad_filter(animator: Any) -> None:
    client = signed_in(animator)
    assert client.get("/network/stats/salaries.csv").status_code == 404
    bad = client.get("/network/stats/needs.csv?start=2026-06-01&end=2026-01-01")
    assert bad.status_code == 400
    assert bad.content.decode() == "end: The end of the period cannot be before its start."


# --- Query counts ---------------------------------------------------------------------------------


def _grow(n: int) -> None:
    """``n`` centres in Krzyki, each with an activity (with a partner), a volunteer, a term."""
    osiedle = OsiedleFactory(district=District.KRZYKI, population=1000)
    for i in range(n):
        centre = CentreFactory(primary_osiedle=osiedle)
        OperatorTermFactory(centre=centre, start=date(2025, 1, 1))
        activity(centre, at(2026, 3, 1 + i % 20, 10), participants_0_12=2, partners=(OrganizationFactory(),))
        VolunteerFactory(centre=centre)


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize(
    "query",
    [
        "",
        f"?{HALF_YEAR_QUERY}&district=krzyki&sort=-participants",
        f"?{HALF_YEAR_QUERY}&centre=cal-testowy-x",
    ],
)
def test_dashboard_query_count_does_not_grow(
    n: int, query: str, animator: Any, django_assert_num_queries: Any
) -> None:
    _grow(n)
    CentreFactory(slug="cal-testowy-x", primary_osiedle=OsiedleFactory(district=District.KRZYKI))
    client = signed_in(animator)
    client.get(URL)  # the session and the first request's one-off work
    expected = 24 if "centre=" in query else 23
    with django_assert_num_queries(expected):
        response = client.get(URL + query)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_csv_query_count_does_not_grow(n: int, animator: Any, django_assert_num_queries: Any) -> None:
    _grow(n)
    client = signed_in(animator)
    client.get(URL)
    with django_assert_num_queries(4):  # session, user, groups, the figure
        response = client.get(f"/network/stats/centres.csv?{HALF_YEAR_QUERY}&district=krzyki")
    assert len(read_csv(response)) == n + 1


def test_dashboard_query_count_is_the_same_for_the_demo_network_at_scale_1_and_2() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from network.demo import seed_demo

    counts = []
    for scale in (1, 2):
        seed_demo(scale=scale)
        # The demo's animator account (its password is reset by every run: a new session).
        client = signed_in(get_user_model().objects.get(username="animator"))
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The stats API ---------------------------------------------------------------------------------

API = "/api/v1/stats/"


def api_as(user: Any | None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_stats_api_refuses_anonymous_and_unauthorised(operator_a: Any) -> None:
    assert api_as(None).get(f"{API}needs/").status_code == 401
    assert api_as(operator_a).get(f"{API}needs/").status_code == 403
    assert api_as(grant(operator_a)).get(f"{API}needs/").status_code == 200


@pytest.mark.parametrize("role", ["animator", "team_member", "city_staff"])
def test_stats_api_for_network_viewers(role: str, request: pytest.FixtureRequest) -> None:
    response = api_as(request.getfixturevalue(role)).get(f"{API}activities-by-method/")
    assert response.status_code == 200
    default = StatsFilter.default()
    assert response.json()["filter"] == {
        "start": default.start.isoformat(),
        "end": default.end.isoformat(),
        "district": "",
        "osiedle": "",
        "centre": "",
    }


def test_stats_api_figures(network: SimpleNamespace, animator: Any) -> None:
    client = api_as(animator)
    query = f"?{HALF_YEAR_QUERY}&district=krzyki"
    needs = client.get(f"{API}needs/{query}").json()
    assert needs == {
        "figure": "needs",
        "filter": {
            "start": "2026-01-01",
            "end": "2026-06-30",
            "district": "krzyki",
            "osiedle": "",
            "centre": "",
        },
        "data": {
            "open": 0,
            "in_progress": 0,
            "met": 1,
            "by_status": [
                {"status": "otwarta", "label": "open", "needs": 0},
                {"status": "w-realizacji", "label": "in progress", "needs": 0},
                {"status": "zaspokojona", "label": "met", "needs": 1},
            ],
        },
    }
    assert client.get(f"{API}activities-by-month/{query}").json()["data"] == [
        {"month": "2026-01-01", "activities": 1, "participants": 8, "resident_initiated": 1},
        {"month": "2026-02-01", "activities": 0, "participants": 0, "resident_initiated": 0},
        {"month": "2026-03-01", "activities": 0, "participants": 0, "resident_initiated": 0},
        {"month": "2026-04-01", "activities": 1, "participants": 12, "resident_initiated": 0},
        {"month": "2026-05-01", "activities": 0, "participants": 0, "resident_initiated": 0},
        {"month": "2026-06-01", "activities": 0, "participants": 0, "resident_initiated": 0},
    ]
    assert client.get(f"{API}volunteers/?{HALF_YEAR_QUERY}").json()["data"] == {
        "involvements": 9,
        "hours": 14.0,
        "activities_with_volunteers": 5,
        "registered": 3,
        "local_leaders": 2,
    }
    assert client.get(f"{API}resident-initiated/?{HALF_YEAR_QUERY}").json()["data"] == {
        "activities": 6,
        "resident_initiated": 3,
        "share": 50.0,
    }
    assert client.get(f"{API}partnerships-by-phase/?{HALF_YEAR_QUERY}").json()["data"] == [
        {"phase": "formowanie", "label": "forming", "partnerships": 0},
        {"phase": "docieranie-sie", "label": "storming", "partnerships": 1},
        {"phase": "normowanie", "label": "norming", "partnerships": 0},
        {"phase": "wspoldzialanie", "label": "cooperation", "partnerships": 1},
        {"phase": "zakonczone", "label": "ended", "partnerships": 0},
    ]
    assert client.get(f"{API}certificates-expiring/?{HALF_YEAR_QUERY}").json()["data"] == [
        {
            "centre": "CAL Szczepin",
            "centre_slug": "cal-szczepin",
            "valid_until": "2026-09-01",
            "days_left": 63,
        }
    ]
    assessment = client.get(f"{API}self-assessment/?{HALF_YEAR_QUERY}").json()["data"]
    assert assessment["centres"] == 2
    assert [(s["key"], s["average"]) for s in assessment["standards"]] == [
        ("place", 4.0),
        ("needs", 4.0),
        ("fields", 4.0),
        ("volunteering", 3.0),
        ("initiatives", 3.5),
    ]
    centres = client.get(f"{API}centres/?{HALF_YEAR_QUERY}&sort=-participants").json()["data"]
    assert [(c["slug"], c["participants"], c["resident_share"]) for c in centres] == [
        ("cal-szczepin", 29, 66.7),
        ("cal-gaj", 20, 50.0),
        ("cal-nadodrze", 8, 0.0),
    ]
    osiedla = client.get(f"{API}osiedla/{query}").json()["data"]
    assert osiedla == [
        {
            "name": "Gaj",
            "slug": "gaj",
            "district": "krzyki",
            "district_label": "Krzyki",
            "population": 20000,
            "served": True,
            "centres": 1,
            "activities": 2,
            "activities_per_1000": 0.1,
        },
        {
            "name": "Jagodno",
            "slug": "jagodno",
            "district": "krzyki",
            "district_label": "Krzyki",
            "population": 5000,
            "served": False,
            "centres": 0,
            "activities": 0,
            "activities_per_1000": 0.0,
        },
    ]
    partners = client.get(f"{API}partners-by-kind/?{HALF_YEAR_QUERY}").json()["data"]
    assert [(p["kind"], p["organisations"]) for p in partners] == [
        ("rada-osiedla", 1),
        ("szkola", 1),
        ("biblioteka", 1),
        ("wspolnota", 1),
    ]
    assert client.get(f"{API}participants-by-age/?{HALF_YEAR_QUERY}").json()["data"]["total"] == 57
    assert client.get(f"{API}active-centres/?{HALF_YEAR_QUERY}").json()["data"]["active"] == 3
    by_method = client.get(f"{API}activities-by-method/?{HALF_YEAR_QUERY}").json()["data"]
    assert [m["activities"] for m in by_method] == [1, 2, 1, 1, 1]


def test_stats_api_bad_filters_are_a_400_with_fields(animator: Any) -> None:
    response = api_as(animator).get(f"{API}needs/?start=2026-06-01&end=2026-01-01&centre=nope")
    assert response.status_code == 400
    assert set(response.json()) == {"centre"}
    response = api_as(animator).get(f"{API}needs/?start=2026-06-01&end=2026-01-01")
    assert response.status_code == 400
    assert response.json() == {"end": ["The end of the period cannot be before its start."]}


def test_stats_api_does_not_clash_with_partnership_coverage(animator: Any) -> None:
    response = api_as(animator).get(f"{API}partnership-coverage/")
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("n", [2, 20])
def test_stats_api_query_count_does_not_grow(n: int, animator: Any, django_assert_num_queries: Any) -> None:
    _grow(n)
    client = api_as(animator)
    client.get(f"{API}centres/")
    with django_assert_num_queries(3):  # token with its user, the user's groups, the figure
        response = client.get(f"{API}centres/?{HALF_YEAR_QUERY}&district=krzyki")
    assert len(response.json()["data"]) == n


def test_a_closed_centre_without_activities_is_not_in_the_table(animator: Any) -> None:
    closed = CentreFactory(status="zamkniety")
    ActivityFactory(centre=CentreFactory())
    response = signed_in(animator).get(URL)
    assert closed.name not in [row.name for row in response.context["centre_rows"]]


def test_the_grant_group_exists_for_the_admin_and_needs_an_active_user() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert AuthGroup.objects.filter(name=DASHBOARD_GUEST_GROUP).exists()
    guest = grant(UserFactory(username="guest"))
    assert can_view_dashboard(guest) is True
    guest.is_active = False
    guest._cal_groups = None  # read the roles again
    assert can_view_dashboard(guest) is False
    assert can_view_dashboard(AnonymousUser()) is False
