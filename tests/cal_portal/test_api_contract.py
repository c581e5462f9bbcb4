"""What the API answers matches its OpenAPI schema, errors included (the fixes that the
schemathesis run of `make audit` asked for)."""

import pytest
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    import yaml

    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_a_url_under_the_api_that_matches_nothing_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-collection/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_page_that_does_not_exist_is_still_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_character_in_a_slug_is_a_400_not_a_500(api_client, centre_a):
    response = api_client.get("/api/v1/centres/cal%00szczepin/")

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_a_nul_character_in_a_related_slug_of_a_body_is_a_400_not_a_500(api_client, db):
    api_client.force_authenticate(factories.UserFactory(is_staff=True, groups=["city"]))

    response = api_client.post(
        "/api/v1/organizations/", {"name": "Fundacja", "kind": "ngo", "osiedle": "\x00"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}  # refused as malformed, not a field error


def test_every_operation_documents_its_error_responses(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if "{" in path:
                assert {"400", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"400", "403"} <= codes, (method, path)


def test_a_read_only_url_that_may_be_blank_is_documented_so(schema):
    website = schema["components"]["schemas"]["Centre"]["properties"]["website"]

    assert {"type": "string", "maxLength": 0} in website["oneOf"]
