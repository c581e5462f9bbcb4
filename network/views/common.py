"""What the network's pages share: who may open them, the generic form page, and
saving a form through a service (a refusal becomes form errors, a stale version shows
what someone else saved meanwhile)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from centres.views.workspace import add_service_error, posted, reread, submit_record_form
from network import permissions

__all__ = [
    "add_service_error",
    "form_page",
    "posted",
    "require_participant",
    "reread",
    "serve_file",
    "submit_record_form",
]


def require_participant(request: HttpRequest) -> None:
    """The network's pages are for its participants: the animator, the standing team,
    city staff and operators. Anyone else signed in is refused."""
    if not permissions.is_network_participant(request.user):
        raise PermissionDenied


def form_page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    title: str,
    submit: str,
    cancel_url: str,
    crumbs: list[tuple[str, str]],
    intro: str = "",
    conflict: dict[str, Any] | None = None,
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
    template: str = "network/form.html",
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "cancel_url": cancel_url,
        "crumbs": crumbs,
        "intro": intro,
        "conflict": conflict,
        "multipart": multipart,
        **(extra or {}),
    }
    return render(request, template, context)


def serve_file(field: Any) -> FileResponse:
    """A stored attachment as a download; a missing file is a 404."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = field.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)
