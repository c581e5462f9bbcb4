"""Pages of the portal as a whole: language, landmarks every page shares, security headers."""

import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/centres/cal-szczepin/", "/open-data/", "/accessibility/", "/accounts/login/"]
OPERATOR_PAGES = ["/workspace/", "/workspace/centres/cal-szczepin/"]


def _csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_accessibility_statement_is_in_polish_by_default(client):
    response = client.get("/accessibility/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Deklaracja dostępności" in content
    assert '<html lang="pl"' in content


def test_pages_are_polish_even_for_an_english_browser(client):
    # The city's service is Polish first; English is a choice made with the switch.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="pl"' in response.content.decode()


def test_language_switch_makes_the_pages_english(client, centre_a):
    # Given a visitor on the Polish home page
    assert '<html lang="pl"' in client.get("/").content.decode()

    # When they choose English with the switch
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/centres/cal-szczepin/"})

    # Then they are sent back and every page is in English
    assert response.status_code == 302
    assert response["Location"] == "/centres/cal-szczepin/"
    home = client.get("/").content.decode()
    assert '<html lang="en"' in home
    accessibility = client.get("/accessibility/").content.decode()
    assert "Accessibility statement" in accessibility
    assert "Deklaracja dostępności" not in accessibility


def test_switching_back_to_polish(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})

    assert '<html lang="pl"' in client.get("/").content.decode()


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, *OPERATOR_PAGES, "/nie-ma-takiej-strony/"])
def test_every_page_has_a_skip_link_to_the_main_landmark(client, operator_a, centre_a, path):
    if path in OPERATOR_PAGES:
        client.force_login(operator_a)

    response = client.get(path)

    content = response.content.decode()
    assert response.status_code == (404 if "nie-ma" in path else 200)
    assert re.search(r'<a [^>]*href="#main"', content)
    assert '<main id="main"' in content
    assert content.count('<main id="main"') == 1


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/api/docs/"])
def test_content_security_policy_allows_no_inline_script(client, centre_a, path):
    response = client.get(path)

    directives = _csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_pages_carry_the_other_security_headers(client, db):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_have_no_inline_scripts(client, centre_a, path):
    content = client.get(path).content.decode()

    # A <script> without src would be blocked by the CSP; data blocks (JSON) are not scripts.
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
