import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres.exports import CSV_COLUMNS
from centres.models import CITY_BOUNDS, CentreStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(operator_a, centre_a, operator_b, centre_b):
    """Two operated centres, one without a location and one closed centre."""
    factories.CentreFactory(
        name="CAL Bez Adresu", slug="cal-bez-adresu", latitude=None, longitude=None, email="cal@example.org"
    )
    factories.CentreFactory(name="CAL Zamknięty", slug="cal-zamkniety", status=CentreStatus.CLOSED)
    return [operator_a, operator_b]


def _csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    return list(reader)


def test_centres_csv_has_the_columns_and_one_row_per_public_centre(client, network, centre_a):
    response = client.get("/open-data/centres.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = _csv_rows(response)
    assert header == list(CSV_COLUMNS)
    assert [row[header.index("slug")] for row in rows] == ["cal-bez-adresu", "cal-gajowice", "cal-szczepin"]
    szczepin = dict(zip(header, rows[2], strict=True))
    assert szczepin["name"] == "CAL Szczepin"
    assert szczepin["status"] == "dzialajacy"
    assert szczepin["operator"] == centre_a.terms.get().organization.name
    assert szczepin["primary_osiedle"] == centre_a.primary_osiedle.name
    assert szczepin["district"] == "Krzyki"
    assert Decimal(szczepin["latitude"]) == centre_a.latitude
    assert szczepin["url"] == "http://testserver/centres/cal-szczepin/"


def test_centres_csv_keeps_polish_letters(client, db):
    factories.CentreFactory(name="CAL Źródło Łąki", street_address="ul. Żółwia 5")

    header, row = _csv_rows(client.get("/open-data/centres.csv"))

    assert row[header.index("name")] == "CAL Źródło Łąki"
    assert row[header.index("street_address")] == "ul. Żółwia 5"


def test_centres_geojson_is_a_feature_collection_of_points_in_the_city(client, network):
    response = client.get("/open-data/centres.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    # the centre without a location and the closed one are not on the map
    assert [f["id"] for f in data["features"]] == ["cal-gajowice", "cal-szczepin"]
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert CITY_BOUNDS["west"] <= lon <= CITY_BOUNDS["east"]
        assert CITY_BOUNDS["south"] <= lat <= CITY_BOUNDS["north"]
        assert feature["properties"]["url"] == f"http://testserver/centres/{feature['id']}/"
    assert data["features"][1]["properties"]["name"] == "CAL Szczepin"


def test_geojson_puts_longitude_first(client, db):
    factories.CentreFactory(latitude=Decimal("51.100000"), longitude=Decimal("17.030000"))

    [feature] = json.loads(client.get("/open-data/centres.geojson").content)["features"]

    assert feature["geometry"]["coordinates"] == [17.03, 51.1]


def test_open_data_holds_no_personal_data(client, network):
    csv_body = client.get("/open-data/centres.csv").content.decode()
    geojson_body = client.get("/open-data/centres.geojson").content.decode()

    for user in network:
        assert user.email not in csv_body
        assert user.email not in geojson_body
        assert user.username not in csv_body
        assert user.username not in geojson_body
    # the public contact of a centre is not personal data and is published
    assert "cal@example.org" in csv_body


@pytest.mark.parametrize("path", ["/open-data/centres.csv", "/open-data/centres.geojson"])
def test_open_data_query_count_does_not_grow_with_rows(client, db, path):
    def add(count):
        for _ in range(count):
            term = factories.OperatorTermFactory()
            term.centre.served_osiedla.set([factories.OsiedleFactory()])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    at_two = measure()
    add(18)

    assert measure() == at_two


@pytest.mark.parametrize("path", ["/open-data/centres.csv", "/open-data/centres.geojson"])
def test_open_data_files_are_read_only(client, db, path):
    assert client.post(path).status_code == 405
