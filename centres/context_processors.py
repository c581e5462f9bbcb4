"""Template context every page needs: the navigation, which depends on the role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centres import access, extensions


def _item(link: extensions.NavLink) -> dict[str, Any]:
    return {
        "url": reverse(link.url_name),
        "label": link.label,
        "prefix": link.prefix,
        "names": set(link.names),
    }


def portal(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    nav: list[dict[str, Any]] = [
        {"url": reverse("centres:home"), "label": _("Centres"), "names": {"home", "centre-detail"}},
        {
            "url": reverse("centres:events"),
            "label": _("Events"),
            "names": {"events", "centre-events", "event-detail"},
        },
    ]
    nav += [_item(link) for link in extensions.nav_links() if link.public]
    nav.append({"url": reverse("centres:open-data"), "label": _("Open data"), "names": {"open-data"}})
    if user.is_authenticated:
        if access.is_city_staff(user) or access.is_operator(user):
            nav.append(
                {
                    "url": reverse("centres:workspace"),
                    "label": _("My workspace"),
                    # Every page of the workspace: its URL names start with "workspace".
                    "prefix": "workspace",
                    "names": set(),
                }
            )
        nav += [_item(link) for link in extensions.nav_links() if not link.public and link.visible(user)]
        if access.is_city_staff(user):
            nav.append({"url": reverse("admin:index"), "label": _("Administration"), "names": set()})
    current = (request.resolver_match.url_name if request.resolver_match else "") or ""
    for item in nav:
        prefix = item.pop("prefix", None)
        item["current"] = current in item.pop("names") or bool(prefix and current.startswith(prefix))
    return {
        "portal_nav": nav,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
