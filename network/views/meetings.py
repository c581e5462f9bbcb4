"""Network meetings and their follow-up tasks.

The animator (and city staff) record meetings and tasks; the standing team reads them;
operators read the SCAL meetings and report the progress of their organisations' tasks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from network import permissions, selectors, services
from network.filters import FollowUpFilter, MeetingFilter
from network.forms import FollowUpForm, FollowUpProgressForm, MeetingForm
from network.models import FollowUp, NetworkMeeting
from network.views.common import form_page, posted, require_participant, reread, submit_record_form


def _meetings_crumb() -> tuple[str, str]:
    return (reverse("network:meeting-list"), _("Network meetings"))


def _meeting_crumb(meeting: NetworkMeeting) -> tuple[str, str]:
    return (reverse("network:meeting-detail", args=[meeting.pk]), str(meeting))


def _require_runner(request: HttpRequest) -> None:
    if not permissions.can_run_network(request.user):
        raise PermissionDenied


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_participant(request)
    filterset = MeetingFilter(request.GET or None, queryset=selectors.meeting_list(user=request.user))
    return render(
        request,
        "network/meetings/list.html",
        {
            "filter": filterset,
            "meetings": list(filterset.qs),
            "filtered": any(request.GET.get(name) for name in MeetingFilter.base_filters),
            "can_run": permissions.can_run_network(request.user),
        },
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    own = set(permissions.member_organizations(request.user).values_list("pk", flat=True))
    can_run = permissions.can_run_network(request.user)
    follow_ups = [
        (follow_up, can_run or follow_up.assignee_id in own) for follow_up in meeting.follow_ups.all()
    ]
    return render(
        request,
        "network/meetings/detail.html",
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.all()),
            "follow_ups": follow_ups,
            "can_run": can_run,
            "crumbs": [_meetings_crumb()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_runner(request)
    form = MeetingForm(posted(request), members=selectors.current_members())
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.network_meeting_create(
            actor=request.user,
            attendees=form.cleaned_data["attendees"],
            **form.service_fields(services.MEETING_FIELDS),
        ),
        current=lambda: None,
        fields=(),
    )
    if saved:
        messages.success(request, _("The meeting has been recorded."))
        return redirect("network:meeting-list")
    return form_page(
        request,
        form=form,
        title=_("New network meeting"),
        intro=_("Record a meeting of the SCAL network or of the standing team; add its tasks on its page."),
        submit=_("Record the meeting"),
        cancel_url=reverse("network:meeting-list"),
        crumbs=[_meetings_crumb()],
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require_runner(request)
    form = MeetingForm(posted(request), instance=meeting, members=selectors.current_members(on=meeting.date))
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.network_meeting_update(
            meeting=meeting,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            attendees=form.cleaned_data["attendees"],
            **form.service_fields(services.MEETING_FIELDS),
        ),
        current=lambda: reread(lambda: selectors.meeting_get(user=request.user, pk=pk)),
        fields=services.MEETING_FIELDS,
    )
    if saved:
        messages.success(request, _("The meeting has been saved."))
        return redirect("network:meeting-detail", pk=meeting.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit the meeting"),
        submit=_("Save"),
        cancel_url=reverse("network:meeting-detail", args=[meeting.pk]),
        crumbs=[_meetings_crumb(), _meeting_crumb(meeting)],
        conflict=conflict,
    )


# --- Follow-ups -------------------------------------------------------------------------


@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """An operator's tasks (their organisations'); the animator, the team and city staff
    see every task of the network."""
    require_participant(request)
    filterset = FollowUpFilter(request.GET or None, queryset=selectors.follow_up_list(user=request.user))
    can_run = permissions.can_run_network(request.user)
    own = set(permissions.member_organizations(request.user).values_list("pk", flat=True))
    return render(
        request,
        "network/follow_ups/list.html",
        {
            "filter": filterset,
            "rows": [(f, can_run or f.assignee_id in own) for f in filterset.qs],
            "filtered": any(request.GET.get(name) for name in ("status", "overdue")),
            "can_run": can_run,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require_runner(request)
    members = selectors.network_organizations()
    form = FollowUpForm(posted(request), instance=FollowUp(meeting=meeting), members=members)
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.follow_up_create(
            meeting=meeting, actor=request.user, **form.service_fields(services.FOLLOW_UP_FIELDS)
        ),
        current=lambda: None,
        fields=(),
    )
    if saved:
        messages.success(request, _("The task has been added."))
        return redirect("network:meeting-detail", pk=meeting.pk)
    return form_page(
        request,
        form=form,
        title=_("New task"),
        intro=_("A task agreed at the meeting, for one of the network's member organisations."),
        submit=_("Add the task"),
        cancel_url=reverse("network:meeting-detail", args=[meeting.pk]),
        crumbs=[_meetings_crumb(), _meeting_crumb(meeting)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The animator changes the task in full; the assignee's people report its status."""
    follow_up = selectors.follow_up_get(user=request.user, pk=pk)
    if not permissions.can_update_follow_up_status(request.user, follow_up):
        raise PermissionDenied

    def current() -> FollowUp | None:
        found: FollowUp | None = reread(lambda: selectors.follow_up_get(user=request.user, pk=pk))  # type: ignore[assignment]
        return found

    full = permissions.can_run_network(request.user)
    if full:
        members = selectors.network_organizations()
        form: FollowUpForm | FollowUpProgressForm = FollowUpForm(
            posted(request), instance=follow_up, members=members
        )
        saved, conflict = submit_record_form(
            request,
            form,
            save=lambda: services.follow_up_update(
                follow_up=follow_up,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(services.FOLLOW_UP_FIELDS),
            ),
            current=current,
            fields=services.FOLLOW_UP_FIELDS,
        )
    else:
        form = FollowUpProgressForm(posted(request), instance=follow_up)
        saved, conflict = submit_record_form(
            request,
            form,
            save=lambda: services.follow_up_report_progress(
                follow_up=follow_up,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
            current=current,
            fields=services.FOLLOW_UP_PROGRESS_FIELDS,
        )
    if saved:
        messages.success(request, _("The task “%(title)s” has been saved.") % {"title": follow_up.title})
        if full:
            return redirect("network:meeting-detail", pk=follow_up.meeting_id)
        return redirect("network:follow-up-list")
    meeting = follow_up.meeting
    return form_page(
        request,
        form=form,
        title=_("Task: %(title)s") % {"title": follow_up.title},
        intro="" if full else _("Report how the task stands; the animator sees it on the meeting's page."),
        submit=_("Save"),
        cancel_url=reverse("network:meeting-detail", args=[meeting.pk])
        if full
        else reverse("network:follow-up-list"),
        crumbs=[_meetings_crumb(), _meeting_crumb(meeting)]
        if full
        else [(reverse("network:follow-up-list"), _("Tasks"))],
        conflict=conflict,
        extra={"follow_up": follow_up},
    )
