"""Where higher apps add to the centres' pages without the centres app importing them.

Apps above centres (partnerships, diagnosis, network) register here in their
``AppConfig.ready()``; the centres' views render whatever is registered. This is a
plain registry read at render time, not a signal: nothing happens on a write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from centres.models import Activity, Centre


@dataclass(frozen=True)
class CentreSection:
    """A section of a centre's public page: ``context`` returns the template's context,
    or None when the section has nothing to show for that centre."""

    template: str
    context: Callable[[HttpRequest, Centre], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class WorkspaceLink:
    """A link in a centre's workspace navigation; ``url_name`` takes the centre's slug."""

    label: str | Promise
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class ActivitySection:
    """A section of an activity's workspace edit page (e.g. the needs it answers):
    ``context`` returns the template's context, or None to show nothing."""

    template: str
    context: Callable[[HttpRequest, Activity], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    """An item of the main navigation added by a higher app. ``visible`` decides for whom;
    ``prefix`` marks it current on every page whose URL name starts with it; a ``landing``
    link is where ``after_login`` sends the users who see it and have no workspace."""

    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool] = lambda user: True
    public: bool = False  # among the public pages (before "Open data"), for everyone
    prefix: str = ""
    names: frozenset[str] = frozenset()
    landing: bool = False
    order: int = 100


_centre_sections: list[CentreSection] = []
_nav_links: list[NavLink] = []
_activity_sections: list[ActivitySection] = []
_workspace_links: list[WorkspaceLink] = []


def register_centre_section(section: CentreSection) -> None:
    if section not in _centre_sections:
        _centre_sections.append(section)
        _centre_sections.sort(key=lambda item: item.order)


def register_activity_section(section: ActivitySection) -> None:
    if section not in _activity_sections:
        _activity_sections.append(section)
        _activity_sections.sort(key=lambda item: item.order)


def register_nav_link(link: NavLink) -> None:
    if link not in _nav_links:
        _nav_links.append(link)
        _nav_links.sort(key=lambda item: item.order)


def nav_links() -> list[NavLink]:
    return list(_nav_links)


def register_workspace_link(link: WorkspaceLink) -> None:
    if link not in _workspace_links:
        _workspace_links.append(link)
        _workspace_links.sort(key=lambda item: item.order)


def render_centre_sections(request: HttpRequest, centre: Centre) -> list[SafeString]:
    """The registered sections of a centre's public page, rendered in order."""
    rendered: list[SafeString] = []
    for section in _centre_sections:
        context = section.context(request, centre)
        if context is not None:
            # Already a SafeString, escaped by the template: no mark_safe (bandit B703).
            rendered.append(render_to_string(section.template, {"centre": centre, **context}, request))
    return rendered


def render_activity_sections(request: HttpRequest, activity: Activity) -> list[SafeString]:
    """The registered sections of an activity's workspace page, rendered in order."""
    rendered: list[SafeString] = []
    for section in _activity_sections:
        context = section.context(request, activity)
        if context is not None:
            full_context = {"activity": activity, "centre": activity.centre, **context}
            rendered.append(render_to_string(section.template, full_context, request))
    return rendered


def workspace_links() -> list[WorkspaceLink]:
    return list(_workspace_links)
