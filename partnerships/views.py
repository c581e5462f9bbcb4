"""Workspace pages of a centre's partnerships, and the section of the centre's public page.

Every workspace page first asks centres.selectors.centre_get_editable: another
operator's centre (and so its partnerships) is a 404; an anonymous visitor is sent
to log in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import selectors as centre_selectors
from centres.extensions import workspace_links
from centres.forms import add_service_error
from centres.models import Centre
from partnerships import selectors, services
from partnerships.forms import (
    AgreementForm,
    MeetingForm,
    MemberAddForm,
    MemberLeaveForm,
    PartnershipCreateForm,
    PartnershipEditForm,
    PhaseMoveForm,
    PriorityForm,
)
from partnerships.models import (
    Partnership,
    PartnershipMeeting,
    PartnershipMode,
    Priority,
)


def _detail_url(partnership: Partnership) -> str:
    return reverse(
        "partnerships:workspace-partnership-detail",
        kwargs={"slug": partnership.lead_centre.slug, "pk": partnership.pk},
    )


def _nav(centre: Centre) -> list[dict[str, Any]]:
    """The links higher apps add to a centre's workspace navigation (this one among them)."""
    return [
        {"url": reverse(link.url_name, args=[centre.slug]), "label": link.label, "name": link.url_name}
        for link in workspace_links()
    ]


def _get(request: HttpRequest, slug: str, pk: int) -> tuple[Centre, Partnership]:
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    return centre, selectors.partnership_get_editable(centre=centre, pk=pk)


def _form_page(
    request: HttpRequest,
    *,
    centre: Centre,
    form: Any,
    title: str,
    submit: str,
    partnership: Partnership | None = None,
    intro: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    cancel = (
        _detail_url(partnership)
        if partnership is not None
        else reverse("partnerships:workspace-partnerships", kwargs={"slug": centre.slug})
    )
    context = {
        "centre": centre,
        "partnership": partnership,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        "cancel_url": cancel,
        "workspace_links": _nav(centre),
        **(extra or {}),
    }
    return render(request, "partnerships/workspace/form.html", context)


# --- The list and a partnership's page ------------------------------------------------


@login_required
@require_GET
def partnership_list(request: HttpRequest, slug: str) -> HttpResponse:
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    partnerships = list(selectors.partnership_list(user=request.user, centre=centre))
    today = timezone.localdate()
    rows = [(p, selectors.is_stale(p, today)) for p in partnerships]
    return render(
        request,
        "partnerships/workspace/list.html",
        {
            "centre": centre,
            "rows": rows,
            "stale_days": selectors.STALE_AFTER_DAYS,
            "workspace_links": _nav(centre),
        },
    )


@login_required
@require_GET
def partnership_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    today = timezone.localdate()
    members = list(partnership.members.all())
    return render(
        request,
        "partnerships/workspace/detail.html",
        {
            "centre": centre,
            "partnership": partnership,
            "osiedla": list(partnership.osiedla.all()),
            "timeline": selectors.member_timeline(partnership=partnership, on=today),
            "current_members": [m for m in members if m.is_current(today)],
            "meetings": list(partnership.meetings.all()),
            "phase_changes": list(partnership.phase_changes.all()),
            "priorities": list(partnership.priorities.all()),
            "coverage": selectors.partnership_coverage(osiedla=list(partnership.osiedla.all()), on=today),
            "is_stale": selectors.is_stale(partnership, today),
            "stale_days": selectors.STALE_AFTER_DAYS,
            "today": today,
            "workspace_links": _nav(centre),
        },
    )


# --- Creating and changing a partnership ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    initial = {
        "osiedla": sorted({centre.primary_osiedle_id, *(o.pk for o in centre.served_osiedla.all())}),
        "mode": PartnershipMode.LEAD,
    }
    form = PartnershipCreateForm(
        request.POST or None, instance=Partnership(lead_centre=centre), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_create(
                centre=centre,
                actor=request.user,
                osiedla=form.cleaned_data["osiedla"],
                phase=form.cleaned_data["phase"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The partnership %(name)s has been created.") % {"name": partnership.name}
            )
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        form=form,
        title=_("New partnership"),
        intro=_(
            "Record a partnership the centre leads, or one it joins. You add members, meetings and "
            "priorities on its page."
        ),
        submit=_("Create the partnership"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    form = PartnershipEditForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                partnership=partnership,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                osiedla=form.cleaned_data["osiedla"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The partnership has been saved."))
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Edit partnership: %(name)s") % {"name": partnership.name},
        submit=_("Save"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_agreement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    form = AgreementForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                partnership=partnership,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                agreement_status=form.cleaned_data["agreement_status"],
                agreement_date=form.cleaned_data["agreement_date"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The partnership agreement has been recorded."))
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Partnership agreement: %(name)s") % {"name": partnership.name},
        submit=_("Save"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_phase(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    form = PhaseMoveForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.partnership_phase_move(
                partnership=partnership,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                to_phase=form.cleaned_data["to_phase"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The partnership has moved to the phase “%(phase)s”.")
                % {"phase": change.get_to_phase_display()},
            )
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Move to another phase: %(name)s") % {"name": partnership.name},
        intro=_("Current phase: %(phase)s.") % {"phase": partnership.get_phase_display()},
        submit=_("Move"),
    )


# --- Members ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.partnership_member_add(
                partnership=partnership,
                actor=request.user,
                organization=data["organization"],
                new_organization_name=data["new_organization_name"],
                new_organization_kind=data["new_organization_kind"],
                role=data["role"],
                joined=data["joined"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s has joined the partnership.") % {"name": member.organization.name},
            )
            if "add_another" in request.POST:
                return redirect(
                    reverse(
                        "partnerships:workspace-member-add",
                        kwargs={"slug": centre.slug, "pk": partnership.pk},
                    )
                )
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Add a member: %(name)s") % {"name": partnership.name},
        intro=_("Pick the organisation from the registry. If it is missing, add it by name and kind."),
        submit=_("Add the member"),
        extra={"add_another": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, slug: str, partnership_pk: int, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, partnership_pk)
    member = selectors.member_get_editable(partnership=partnership, pk=pk)
    form = MemberLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_member_leave(
                member=member, actor=request.user, left=form.cleaned_data["left"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The departure of %(name)s has been recorded.") % {"name": member.organization.name},
            )
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("%(name)s leaves the partnership") % {"name": member.organization.name},
        submit=_("Record the departure"),
    )


# --- Meetings -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    form = MeetingForm(
        request.POST or None,
        instance=PartnershipMeeting(partnership=partnership),
        attendee_choices=selectors.attendee_choices(partnership=partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_meeting_record(
                partnership=partnership,
                actor=request.user,
                attendees=form.cleaned_data["attendees"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Record a meeting: %(name)s") % {"name": partnership.name},
        submit=_("Record the meeting"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, partnership_pk: int, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, partnership_pk)
    meeting = selectors.meeting_get_editable(partnership=partnership, pk=pk)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        attendee_choices=selectors.attendee_choices(partnership=partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_meeting_update(
                meeting=meeting,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                attendees=form.cleaned_data["attendees"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Edit the meeting of %(date)s") % {"date": meeting.date.isoformat()},
        submit=_("Save"),
    )


# --- Priorities ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def priority_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, pk)
    form = PriorityForm(
        request.POST or None,
        instance=Priority(partnership=partnership),
        osiedla=list(partnership.osiedla.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_create(partnership=partnership, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The priority has been added."))
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Add a priority: %(name)s") % {"name": partnership.name},
        intro=_("A challenge of the area the partners chose to work on together."),
        submit=_("Add the priority"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, slug: str, partnership_pk: int, pk: int) -> HttpResponse:
    centre, partnership = _get(request, slug, partnership_pk)
    priority = selectors.priority_get_editable(partnership=partnership, pk=pk)
    form = PriorityForm(request.POST or None, instance=priority, osiedla=list(partnership.osiedla.all()))
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_update(
                priority=priority,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The priority has been saved."))
            return redirect(_detail_url(partnership))
    return _form_page(
        request,
        centre=centre,
        partnership=partnership,
        form=form,
        title=_("Edit a priority: %(name)s") % {"name": partnership.name},
        submit=_("Save"),
    )


# --- The centre's public page ---------------------------------------------------------


def centre_section_context(request: HttpRequest, centre: Centre) -> dict[str, Any] | None:
    """The partnerships of a centre and their current member organisations (names and
    kinds only: public data), or nothing when the centre has none."""
    partnerships = selectors.partnership_list_public(centre=centre)
    if not partnerships:
        return None
    return {"partnerships": partnerships}
