"""The pages a person uses, derived from the URL configuration and the demo data, so
that a new page is audited without anyone adding it to a list.

Every URL pattern is walked. The API (fuzzed by schemathesis) and the Django admin
(third-party pages of city staff; only its login page is ours to check) are left out.
Each other pattern is opened with Django's test client by the roles in turn (anonymous
first, then the demo accounts): the first role that gets a 200 HTML page is the role
the page is checked with. A pattern that answers every role with something other than
HTML (CSV, JSON, JavaScript, 204), a redirect or a 405 (POST-only) is listed as not a
page. Parameters are filled from the demo data by a generic rule (see
``models_of_parameter``; ``SPECIAL_PARAMETERS`` for those that name no model); a
parameterised pattern that cannot be filled, or a page no role can open, is a problem
that fails the audit with a message saying what to add, unless the route is a file
download (an extension, or a last segment such as ``attachment/``), which is listed.
"""

from __future__ import annotations

import re
import traceback
from collections import ChainMap, Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice, product
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from centres import access
from centres.models import Centre

PROJECT_APPS = ("centres", "partnerships", "diagnosis", "network")
# Path prefixes that are not pages of the portal, and why.
SKIPPED_PREFIXES = {
    "api/": "API: fuzzed by schemathesis (tests/audit/test_api_fuzz.py)",
    "admin/": "Django admin of city staff (third-party pages); only its login page is checked",
}
CHECKED_EXCEPTIONS = {"admin:login"}
# A URL no pattern matches: the 404 page is a page people see too.
MISSING_PATH = "/audit-page-that-does-not-exist/"
CANDIDATES_PER_PARAMETER = 5
COMBINATIONS_PER_ROLE = 12


@dataclass(frozen=True)
class Role:
    """Anonymous (``user`` is None) or a demo account."""

    name: str
    user: User | None = None

    def client(self) -> Client:
        client = Client(raise_request_exception=True)
        if self.user is not None:
            client.force_login(self.user)
        return client


@dataclass(frozen=True)
class Route:
    """One URL pattern, with its full route text, namespaced name and parameters."""

    route: str
    name: str | None
    parameters: tuple[str, ...]
    callback: Callable[..., Any]

    @property
    def label(self) -> str:
        return f"/{self.route}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class Page:
    route: str
    url: str  # what the browser opens
    path: str  # where it lands (a redirect to the same view, e.g. password reset, is followed)
    role: Role


@dataclass
class Discovery:
    pages: list[Page] = field(default_factory=list)
    not_pages: list[tuple[str, str]] = field(default_factory=list)  # (route, why)
    left_out: Counter[str] = field(default_factory=Counter)  # patterns per SKIPPED_PREFIXES key
    problems: list[str] = field(default_factory=list)


# --- Walking the URL configuration ----------------------------------------------------

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_PARAMETER = re.compile(r"\(\?P<(?P<name>\w+)>")


def _parameters(text: str) -> list[str]:
    return [m["name"] for m in _ROUTE_PARAMETER.finditer(text)] + [
        m["name"] for m in _REGEX_PARAMETER.finditer(text)
    ]


def _route_text(pattern: URLPattern | URLResolver) -> str:
    return str(pattern.pattern).removeprefix("^").removesuffix("$").removesuffix(r"\Z")


def walk(
    patterns: Sequence[URLPattern | URLResolver] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every URL pattern of the project, depth first, in the order Django tries them."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        text = prefix + _route_text(pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else namespace
            yield from walk(pattern.url_patterns, text, inner or pattern.namespace or "")
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(route=text, name=name, parameters=tuple(_parameters(text)), callback=pattern.callback)


# --- Filling parameters from the demo data ---------------------------------------------


def _password_reset_link(roles: Sequence[Role]) -> list[dict[str, str]]:
    """The link of a password-reset e-mail, for a demo user the audit does not log in
    as (logging in would invalidate the token)."""
    audited = [role.user.pk for role in roles if role.user is not None]
    user = User.objects.filter(is_active=True).exclude(pk__in=audited).order_by("pk").first()
    if user is None:
        return []
    return [
        {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    ]


# Parameters that name no model of the project: how to fill them. Add an entry here for a
# new such parameter (e.g. a year or a report period).
def _recent_years(roles: Sequence[Role]) -> list[dict[str, str]]:
    this_year = date.today().year
    return [{"year": str(year)} for year in (this_year, this_year - 1)]


SPECIAL_PARAMETERS: dict[frozenset[str], Callable[[Sequence[Role]], list[dict[str, str]]]] = {
    frozenset({"uidb64", "token"}): _password_reset_link,
    frozenset({"year"}): _recent_years,
}


def _english(text: Any) -> str:
    with translation.override("en"):
        return slugify(str(text))


def _models_named(word: str) -> list[type[models.Model]]:
    """Models a URL word names: its model name, or its English verbose name (plural),
    whole or as the last word ("practices" for good practices)."""
    word = word.lower()
    found = []
    for model in apps.get_models():
        meta = model._meta
        plural = _english(meta.verbose_name_plural)
        names = {meta.model_name, f"{meta.model_name}s", _english(meta.verbose_name), plural}
        if word in names or plural.endswith(f"-{word}"):
            found.append(model)
    return found


def _foreign_key_to(model: type[models.Model], target: type[models.Model]) -> str | None:
    for f in model._meta.get_fields():
        if f.many_to_one and f.related_model is target and f.concrete:
            return f.name
    return None


def _app_of(route: Route) -> str:
    """The app a route belongs to: its URL namespace, else the module of its view."""
    if route.name and ":" in route.name:
        return route.name.split(":")[0]
    return str(getattr(route.callback, "__module__", "")).split(".")[0]


def _narrow(
    candidates: list[type[models.Model]], route: Route, previous: type[models.Model] | None
) -> list[type[models.Model]]:
    """Among several models, prefer in turn: those with a foreign key to the previous
    parameter's model; those the URL name names ("network-report-detail"); those of
    the route's app; those of the project's apps."""
    url_name = (route.name or "").split(":")[-1]
    preferences: list[Callable[[type[models.Model]], bool]] = [
        lambda m: previous is not None and _foreign_key_to(m, previous) is not None,
        lambda m: _english(m._meta.verbose_name) in url_name or str(m._meta.model_name) in url_name,
        lambda m: m._meta.app_label == _app_of(route),
        lambda m: m._meta.app_label in PROJECT_APPS,
    ]
    for prefer in preferences:
        if len(candidates) > 1:
            candidates = [m for m in candidates if prefer(m)] or candidates
    return candidates


def models_of_parameter(
    route: Route, index: int, previous: type[models.Model] | None
) -> tuple[list[type[models.Model]], str]:
    """The models a parameter of a route may name, and the field it gives, by these
    rules in turn:

    1. its name: ``<model>_pk``, ``<model>_id`` or ``<model>_slug`` (``centre_slug``);
    2. ``pk``, ``id`` or ``slug`` after a path segment naming a model, by its model name
       or its English plural, whole or as its last word: ``centres/<slug>``,
       ``activities/<int:pk>``, ``practices/<int:pk>`` (good practices);
    3. the ``model`` of a class-based view, for its last parameter;
    4. after another parameter, the models with a foreign key to that one's model
       (``centres/<slug>/events/<int:pk>``: one of the centre's records).
    Several models are narrowed by ``_narrow``; those left are all tried, since a page
    that opens (200, HTML) is what counts.
    """
    name = route.parameters[index]
    field_name = "slug" if name.endswith("slug") else "pk"
    candidates: list[type[models.Model]] = []
    prefix = re.fullmatch(r"(?P<model>\w+?)_(?:pk|id|slug)", name)
    if prefix:
        candidates = _models_named(prefix["model"])
    elif name in ("pk", "id", "slug"):
        segment = re.search(rf"([\w-]+)/<(?:\w+:)?{name}>", route.route)
        if segment:
            candidates = _models_named(segment.group(1))
        view_model = getattr(getattr(route.callback, "view_class", None), "model", None)
        if not candidates and view_model is not None and index == len(route.parameters) - 1:
            candidates = [view_model]
        if not candidates and previous is not None:
            candidates = [
                m
                for m in apps.get_models()
                if m._meta.app_label in PROJECT_APPS and _foreign_key_to(m, previous) is not None
            ]
    candidates = _narrow(candidates, route, previous)
    if field_name == "slug":
        candidates = [m for m in candidates if any(f.name == "slug" for f in m._meta.get_fields())]
    return candidates, field_name


def _objects(model: type[models.Model], role: Role, parent: models.Model | None) -> list[models.Model]:
    """Candidate objects, those of the role's own centres first."""
    queryset = model._default_manager.all()
    if parent is not None and (fk := _foreign_key_to(model, type(parent))):
        queryset = queryset.filter(**{fk: parent})
    queryset = queryset.order_by("pk")
    if role.user is not None:
        own = access.editable_centres(role.user).values("pk")
        if model is Centre:
            mine = list(queryset.filter(pk__in=own)[:CANDIDATES_PER_PARAMETER])
        elif centre_fk := _foreign_key_to(model, Centre):
            mine = list(queryset.filter(**{f"{centre_fk}__in": own})[:CANDIDATES_PER_PARAMETER])
        else:
            mine = []
        rest = [o for o in queryset[: CANDIDATES_PER_PARAMETER * 2] if o not in mine]
        return (mine + rest)[:CANDIDATES_PER_PARAMETER]
    return list(queryset[:CANDIDATES_PER_PARAMETER])


class Unfillable(Exception):  # noqa: N818 - a reason, not an error of the code under test
    pass


def _fillings(route: Route, role: Role, roles: Sequence[Role]) -> list[dict[str, str]]:
    """Values for the route's parameters (several candidate sets), or ``Unfillable``."""
    special = [key for key in SPECIAL_PARAMETERS if key <= set(route.parameters)]
    special_sets: list[list[dict[str, str]]] = []
    for key in special:
        values = SPECIAL_PARAMETERS[key](roles)
        if not values:
            raise Unfillable(f"SPECIAL_PARAMETERS[{sorted(key)}] found nothing in the demo data")
        special_sets.append(values)
    fixed_names = {name for key in special for name in key}
    generic = [(i, p) for i, p in enumerate(route.parameters) if p not in fixed_names]
    missing: dict[str, list[str]] = {}  # "<model> for <parameter>" -> parents looked under

    def fill(
        position: int, parent: models.Model | None, previous: type[models.Model] | None
    ) -> Iterator[dict[str, str]]:
        if position == len(generic):
            yield {}
            return
        index, name = generic[position]
        candidates, field_name = models_of_parameter(route, index, previous)
        if not candidates:
            raise Unfillable(
                f"cannot tell which model the parameter <{name}> names: call it <model>_pk / "
                "<model>_slug, put it after a path segment named after the model's plural "
                "(e.g. activities/<int:pk>/), or add it to SPECIAL_PARAMETERS in tests/audit/pages.py"
            )
        for model in candidates:
            objects = _objects(model, role, parent)
            if not objects:
                under = missing.setdefault(f"{model._meta.label} for <{name}>", [])
                if parent is not None:
                    under.append(f"{parent._meta.model_name} {getattr(parent, 'slug', parent.pk)}")
            for obj in objects:
                value = str(getattr(obj, field_name))
                for rest in fill(position + 1, obj, model):
                    yield {name: value, **rest}

    fixed_sets = [dict(ChainMap(*combination)) for combination in product(*special_sets)]
    fillings = list(
        islice(
            ({**fixed, **rest} for rest in fill(0, None, None) for fixed in fixed_sets),
            COMBINATIONS_PER_ROLE,
        )
    )
    if not fillings:
        lacking = "; ".join(
            what + (f" under {', '.join(parents)}" if parents else "") for what, parents in missing.items()
        )
        raise Unfillable(f"the demo data has no {lacking}: make network.demo.seed_demo create one")
    return fillings


# --- Opening each pattern ----------------------------------------------------------------


def _url(route: Route, kwargs: dict[str, str]) -> str:
    if route.name:
        return reverse(route.name, kwargs=kwargs or None)
    if kwargs:
        raise NoReverseMatch(f"give the pattern /{route.route} a name")
    return "/" + route.route


def _same_view(url: str, location: str) -> bool:
    try:
        return resolve(url).func == resolve(location.split("?")[0]).func
    except Resolver404:
        return False


# A file, not a page: a route ending in an extension (".csv", ".<str:fmt>") or in a
# segment that names a file. Used only for a route that could not be opened (when it
# opens, its Content-Type decides).
_DOWNLOAD = re.compile(r"(\.[a-z0-9]+|\.<[^>]+>|/(attachment|document|download|export))/?$")


def _looks_like_download(route: Route) -> bool:
    return bool(_DOWNLOAD.search(route.route))


def _is_html(response: Any) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")


def discover(roles: Sequence[Role]) -> Discovery:
    """The pages of the portal, each with the first role that can open it."""
    found = Discovery()
    clients = {role.name: role.client() for role in roles}
    for route in walk():
        skip = next((why for prefix, why in SKIPPED_PREFIXES.items() if route.route.startswith(prefix)), None)
        if skip and route.name not in CHECKED_EXCEPTIONS:
            found.left_out[skip] += 1
            continue
        outcomes: list[str] = []
        page: Page | None = None
        not_html: str | None = None
        try:
            for role in roles:
                fillings = _fillings(route, role, roles) if route.parameters else [{}]
                for kwargs in fillings:
                    url = _url(route, kwargs)
                    response = clients[role.name].get(url)
                    path = url
                    if response.status_code in (301, 302) and _same_view(url, response["Location"]):
                        path = response["Location"]
                        response = clients[role.name].get(path)
                    outcomes.append(f"{role.name} {url} → {response.status_code}")
                    if response.status_code == 200 and _is_html(response):
                        page = Page(route=route.label, url=url, path=path, role=role)
                        break
                    if 200 <= response.status_code < 300 or (
                        response.status_code >= 400
                        and response.get("Content-Type")
                        and not _is_html(response)
                    ):
                        not_html = (
                            f"not HTML ({response.status_code} {response.get('Content-Type', 'no body')})"
                        )
                if page or not_html:
                    break
        except Unfillable as why:
            if _looks_like_download(route):
                found.not_pages.append((route.label, f"a download, not opened: {why}"))
            else:
                found.problems.append(f"{route.label}: {why}")
            continue
        except Exception:  # the page broke: report it with its traceback
            found.problems.append(f"{route.label}: {outcomes[-1:] or ''} raised\n{traceback.format_exc()}")
            continue
        if page:
            found.pages.append(page)
        elif not_html:
            found.not_pages.append((route.label, not_html))
        elif outcomes and all(o.endswith(("→ 301", "→ 302", "→ 405")) for o in outcomes):
            kind = "POST only (405)" if any(o.endswith("→ 405") for o in outcomes) else "redirects every role"
            found.not_pages.append((route.label, kind))
        elif _looks_like_download(route):
            found.not_pages.append(
                (route.label, "a download the demo data has none of: " + "; ".join(outcomes[:3]))
            )
        else:
            found.problems.append(
                f"{route.label}: no role could open it as a page; tried: " + "; ".join(outcomes)
            )
    # The 404 page, from the URL configuration's handler404.
    response = clients[roles[0].name].get(MISSING_PATH)
    if response.status_code == 404 and _is_html(response):
        found.pages.append(Page(route="handler404", url=MISSING_PATH, path=MISSING_PATH, role=roles[0]))
    else:
        found.problems.append(f"{MISSING_PATH}: expected the HTML 404 page, got {response.status_code}")
    return found
