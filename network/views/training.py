"""Animators' training: the network's programmes, their sessions and attendance (the
animator and city staff), the enrolment of a centre's people in its operator's workspace,
and the certificate of completion.

The standing team reads the programmes, not the people; operators see their own centres'
people only; another operator's centre or enrolment is a 404 (network.permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cal_portal.text import day_text
from centres import access
from centres import selectors as centre_selectors
from centres.models import Centre
from centres.services import ConflictError
from centres.views.workspace import (
    ALREADY_DELETED,
    DELETED,
    centre_page,
    filter_form_of,
    submit_delete,
)
from network import permissions, selectors, services, training_certificate
from network.filters import TrainingProgrammeFilter
from network.forms import (
    STAFF_CHOICE,
    VOLUNTEER_CHOICE,
    TrainingAttendanceForm,
    TrainingEnrolForm,
    TrainingProgrammeForm,
    TrainingSessionForm,
    VersionForm,
)
from network.models import TrainingEnrolment, TrainingProgramme, TrainingSession
from network.views.common import (
    add_service_error,
    form_page,
    posted,
    require_participant,
    reread,
    submit_record_form,
)

LIST_FILTERS = ("topic", "status")


# --- Helpers ------------------------------------------------------------------------------


def _list_crumb() -> tuple[str, str]:
    return (reverse("network:training-list"), _("Training"))


def _programme_crumb(programme: TrainingProgramme) -> tuple[str, str]:
    return (reverse("network:training-detail", args=[programme.pk]), programme.title)


def _require_manager(request: HttpRequest) -> None:
    if not permissions.can_manage_training(request.user):
        raise PermissionDenied


def _programme(request: HttpRequest, pk: int) -> TrainingProgramme:
    programme: TrainingProgramme = selectors.training_programme_get(user=request.user, pk=pk)
    return programme


def _session(request: HttpRequest, programme: TrainingProgramme, pk: int) -> TrainingSession:
    return selectors.training_session_get(user=request.user, pk=pk, programme=programme)


def _session_label(session: TrainingSession) -> str:
    return date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")


# --- The network's pages ------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    require_participant(request)
    filters = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    programmes = selectors.training_programme_list(user=request.user, filters=filters)
    return render(
        request,
        "network/training/list.html",
        {
            "programmes": list(programmes),
            "filter_form": filter_form_of(TrainingProgrammeFilter, filters, LIST_FILTERS),
            "filtered": bool(filters),
            "can_manage": permissions.can_manage_training(request.user),
        },
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, trainingprogramme_pk: int) -> HttpResponse:
    programme = _programme(request, trainingprogramme_pk)
    can_manage = permissions.can_manage_training(request.user)
    # The people: the animator and city staff see everyone, an operator their centres'
    # people; the standing team sees the programme only.
    show_people = can_manage or access.is_operator(request.user)
    people: list[tuple[Centre, list[TrainingEnrolment]]] = []
    if show_people:
        for enrolment in selectors.training_enrolment_list(user=request.user, programme=programme):
            if not people or people[-1][0].pk != enrolment.centre_id:
                people.append((enrolment.centre, []))
            people[-1][1].append(enrolment)
    return render(
        request,
        "network/training/detail.html",
        {
            "programme": programme,
            "sessions": list(programme.sessions.all()),
            # Annotated by the selector.
            "total_hours": getattr(programme, "total_hours", Decimal(0)),
            "enrolled_count": getattr(programme, "enrolled_count", 0),
            "people": people,
            "show_people": show_people,
            "can_manage": can_manage,
            "crumbs": [_list_crumb()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = TrainingProgrammeForm(posted(request))
    created: list[TrainingProgramme] = []

    def save() -> None:
        created.append(
            services.training_programme_create(
                actor=request.user, **form.service_fields(services.TRAINING_PROGRAMME_FIELDS)
            )
        )

    saved, _conflict = submit_record_form(request, form, save=save, current=lambda: None, fields=())
    if saved:
        messages.success(request, _("The programme has been created. Add its sessions now."))
        return redirect("network:training-detail", trainingprogramme_pk=created[0].pk)
    return form_page(
        request,
        form=form,
        title=_("New training programme"),
        intro=_(
            "A programme of sessions and consultations on one competence. The centres' "
            "operators enrol their staff and volunteers until it ends."
        ),
        submit=_("Create the programme"),
        cancel_url=reverse("network:training-list"),
        crumbs=[_list_crumb()],
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, trainingprogramme_pk: int) -> HttpResponse:
    programme = _programme(request, trainingprogramme_pk)
    _require_manager(request)
    form = TrainingProgrammeForm(posted(request), instance=programme)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.training_programme_update(
            programme=programme,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(services.TRAINING_PROGRAMME_FIELDS),
        ),
        current=lambda: reread(lambda: _programme(request, trainingprogramme_pk)),
        fields=services.TRAINING_PROGRAMME_FIELDS,
    )
    if saved:
        messages.success(request, _("The programme has been saved."))
        return redirect("network:training-detail", trainingprogramme_pk=programme.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit the programme"),
        submit=_("Save"),
        cancel_url=reverse("network:training-detail", args=[programme.pk]),
        crumbs=[_list_crumb(), _programme_crumb(programme)],
        conflict=conflict,
    )


def _delete_page(
    request: HttpRequest,
    *,
    form: VersionForm,
    title: str,
    intro: str,
    submit: str,
    facts: list[tuple[str, str]],
    cancel_url: str,
    crumbs: list[tuple[str, str]],
) -> HttpResponse:
    return render(
        request,
        "network/training/delete.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            "facts": facts,
            "cancel_url": cancel_url,
            "crumbs": crumbs,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_delete(request: HttpRequest, trainingprogramme_pk: int) -> HttpResponse:
    programme = _programme(request, trainingprogramme_pk)
    _require_manager(request)
    form = VersionForm(posted(request), initial={"version": programme.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.training_programme_delete(
            programme=programme, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: _programme(request, trainingprogramme_pk)),
    )
    if outcome == DELETED:
        messages.success(
            request, _("The programme “%(title)s” has been deleted.") % {"title": programme.title}
        )
        return redirect("network:training-list")
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The programme had already been deleted by someone else."))
        return redirect("network:training-list")
    shown: TrainingProgramme = current or programme  # type: ignore[assignment]
    return _delete_page(
        request,
        form=form,
        title=_("Delete the programme: %(title)s") % {"title": shown.title},
        intro=_(
            "The programme is deleted with its sessions and the people enrolled in it. "
            "A programme that anyone has attended cannot be deleted. This cannot be undone."
        ),
        submit=_("Delete the programme"),
        facts=[
            (_("Topic"), shown.get_topic_display()),
            (_("Dates"), f"{day_text(shown.starts_on)} – {day_text(shown.ends_on)}"),
        ],
        cancel_url=reverse("network:training-detail", args=[programme.pk]),
        crumbs=[_list_crumb(), _programme_crumb(programme)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, trainingprogramme_pk: int) -> HttpResponse:
    programme = _programme(request, trainingprogramme_pk)
    _require_manager(request)
    form = TrainingSessionForm(posted(request), instance=TrainingSession(programme=programme))
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.training_session_create(
            programme=programme,
            actor=request.user,
            **form.service_fields(services.TRAINING_SESSION_FIELDS),
        ),
        current=lambda: None,
        fields=(),
    )
    if saved:
        messages.success(request, _("The session has been added."))
        return redirect("network:training-detail", trainingprogramme_pk=programme.pk)
    return form_page(
        request,
        form=form,
        title=_("New session: %(title)s") % {"title": programme.title},
        intro=_("A session or consultation between %(start)s and %(end)s.")
        % {"start": day_text(programme.starts_on), "end": day_text(programme.ends_on)},
        submit=_("Add the session"),
        cancel_url=reverse("network:training-detail", args=[programme.pk]),
        crumbs=[_list_crumb(), _programme_crumb(programme)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, trainingprogramme_pk: int, trainingsession_pk: int) -> HttpResponse:
    programme = _programme(request, trainingprogramme_pk)
    _require_manager(request)
    session = _session(request, programme, trainingsession_pk)
    form = TrainingSessionForm(posted(request), instance=session)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.training_session_update(
            session=session,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(services.TRAINING_SESSION_FIELDS),
        ),
        current=lambda: reread(lambda: _session(request, programme, trainingsession_pk)),
        fields=services.TRAINING_SESSION_FIELDS,
    )
    if saved:
        messages.success(request, _("The session has been saved."))
        return redirect("network:training-detail", trainingprogramme_pk=programme.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit the session of %(date)s") % {"date": _session_label(session)},
        submit=_("Save"),
        cancel_url=reverse("network:training-detail", args=[programme.pk]),
        crumbs=[_list_crumb(), _programme_crumb(programme)],
        conflict=conflict,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, trainingprogramme_pk: int, trainingsession_pk: int) -> HttpResponse:
    programme = _programme(request, trainingprogramme_pk)
    _require_manager(request)
    session = _session(request, programme, trainingsession_pk)
    form = VersionForm(posted(request), initial={"version": session.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.training_session_delete(
            session=session, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: _session(request, programme, trainingsession_pk)),
    )
    if outcome == DELETED:
        messages.success(request, _("The session has been deleted."))
        return redirect("network:training-detail", trainingprogramme_pk=programme.pk)
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The session had already been deleted by someone else."))
        return redirect("network:training-detail", trainingprogramme_pk=programme.pk)
    shown: TrainingSession = current or session  # type: ignore[assignment]
    return _delete_page(
        request,
        form=form,
        title=_("Delete the session of %(date)s") % {"date": _session_label(shown)},
        intro=_(
            "The session is removed from the programme, which then has fewer hours. A session "
            "that anyone attended cannot be deleted. This cannot be undone."
        ),
        submit=_("Delete the session"),
        facts=[
            (_("Topic"), shown.get_topic_display()),
            (_("Kind"), shown.get_kind_display()),
            (_("Hours"), str(shown.hours)),
            (_("Trainer"), shown.trainer),
        ],
        cancel_url=reverse("network:training-detail", args=[programme.pk]),
        crumbs=[_list_crumb(), _programme_crumb(programme)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(
    request: HttpRequest, trainingprogramme_pk: int, trainingsession_pk: int
) -> HttpResponse:
    """Who was at a session: ticked present, the others absent. Recording it again after a
    correction is fine; a session that has not begun is refused."""
    programme = _programme(request, trainingprogramme_pk)
    _require_manager(request)
    session = _session(request, programme, trainingsession_pk)
    enrolments = list(selectors.training_enrolment_list(user=request.user, programme=programme))
    recorded = selectors.training_attendance_of(session=session)
    form = TrainingAttendanceForm(
        posted(request),
        enrolments=enrolments,
        initial={"present": sorted(pk for pk, present in recorded.items() if present)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_attendance_record(
                session=session, actor=request.user, present=form.cleaned_data["present"]
            )
        except ConflictError as exc:
            add_service_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect("network:training-detail", trainingprogramme_pk=programme.pk)
    return render(
        request,
        "network/training/attendance.html",
        {
            "programme": programme,
            "session": session,
            "enrolments": enrolments,
            "form": form,
            "title": _("Attendance: %(date)s") % {"date": _session_label(session)},
            "crumbs": [_list_crumb(), _programme_crumb(programme)],
        },
    )


@login_required
@require_GET
def certificate(request: HttpRequest, trainingenrolment_pk: int) -> HttpResponse:
    """The certificate of completion (PDF): the centre's operators, the animator and city
    staff, once the person has completed the programme; anyone else gets a 404."""
    enrolment = selectors.training_enrolment_get(user=request.user, pk=trainingenrolment_pk)
    if not permissions.can_download_certificate(request.user, enrolment):
        raise Http404
    response = HttpResponse(training_certificate.certificate_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{training_certificate.file_name(enrolment)}.pdf"'
    )
    return response


# --- The operator workspace ---------------------------------------------------------------


@dataclass
class EnrolOffer:
    """A programme open for enrolment, with its form and the places left (None: no limit)."""

    programme: TrainingProgramme
    form: TrainingEnrolForm
    places_left: int | None


def _enrol_errors(form: TrainingEnrolForm, error: ValidationError) -> None:
    """The service names the person's field (volunteer or staff); the form has one field
    for both. What concerns the programme (finished, full) is for the whole form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error("person" if name in (VOLUNTEER_CHOICE, STAFF_CHOICE) else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_trainings(request: HttpRequest, slug: str) -> HttpResponse:
    """The programmes open for enrolment, with a form to enrol one of the centre's people
    in each, and the centre's people already enrolled with their progress."""
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    if not permissions.can_enrol(request.user, centre):
        raise Http404
    candidates = selectors.training_candidates(centre=centre)
    volunteers, staff = list(candidates.volunteers), list(candidates.staff)
    enrolments = list(selectors.training_enrolment_list(user=request.user, centre=centre))
    enrolled: dict[int, set[tuple[str, int]]] = {}
    for enrolment in enrolments:
        person = (
            (VOLUNTEER_CHOICE, enrolment.volunteer_id)
            if enrolment.volunteer_id
            else (STAFF_CHOICE, enrolment.staff_id or 0)
        )
        enrolled.setdefault(enrolment.programme_id, set()).add(person)
    programmes = list(selectors.training_programmes_open(user=request.user))
    posted_programme = request.POST.get("programme") if request.method == "POST" else None

    def form_for(programme: TrainingProgramme) -> TrainingEnrolForm:
        bound = posted_programme == str(programme.pk)
        return TrainingEnrolForm(
            request.POST if bound else None,
            prefix=f"programme-{programme.pk}",
            volunteers=volunteers,
            staff=staff,
            enrolled=enrolled.get(programme.pk, set()),
        )

    offers = [
        EnrolOffer(
            programme=programme,
            form=form_for(programme),
            places_left=(
                max(programme.capacity - getattr(programme, "enrolled_count", 0), 0)
                if programme.capacity
                else None
            ),
        )
        for programme in programmes
    ]
    if request.method == "POST":
        offer = next((o for o in offers if str(o.programme.pk) == posted_programme), None)
        if offer is None:
            # A programme that finished since the page was shown (or never was open).
            if not (posted_programme or "").isdigit():
                raise Http404
            ended = _programme(request, int(posted_programme or 0))
            messages.error(
                request,
                _("The programme “%(title)s” ended on %(date)s: nobody can enrol in it any more.")
                % {"title": ended.title, "date": day_text(ended.ends_on)},
            )
            return redirect("network:workspace-trainings", slug=centre.slug)
        form = offer.form
        if form.is_valid():
            try:
                enrolment = services.training_enrol(
                    programme=offer.programme,
                    centre=centre,
                    actor=request.user,
                    **form.cleaned_data["person"],
                )
            except ValidationError as exc:
                _enrol_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s has been enrolled in “%(title)s”.")
                    % {"name": enrolment.person_name, "title": offer.programme.title},
                )
                return redirect("network:workspace-trainings", slug=centre.slug)
    rows = [
        {
            "enrolment": enrolment,
            # The service refuses withdrawing someone who attended: no button for them.
            "can_withdraw": not getattr(enrolment, "attended_hours", 0),
        }
        for enrolment in enrolments
    ]
    return render(
        request,
        "network/training/workspace.html",
        centre_page(centre, offers=offers, enrolments=rows),
    )


@login_required
@require_POST
def workspace_training_withdraw(request: HttpRequest, slug: str, trainingenrolment_pk: int) -> HttpResponse:
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    enrolment = selectors.training_enrolment_get(user=request.user, pk=trainingenrolment_pk)
    if enrolment.centre_id != centre.pk:
        raise Http404
    try:
        services.training_enrolment_withdraw(enrolment=enrolment, actor=request.user)
    except ConflictError:
        messages.info(request, _("The enrolment had already been withdrawn by someone else."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s has been withdrawn from “%(title)s”.")
            % {"name": enrolment.person_name, "title": enrolment.programme.title},
        )
    return redirect("network:workspace-trainings", slug=centre.slug)


__all__ = [
    "certificate",
    "programme_create",
    "programme_delete",
    "programme_detail",
    "programme_edit",
    "programme_list",
    "session_attendance",
    "session_create",
    "session_delete",
    "session_edit",
    "workspace_training_withdraw",
    "workspace_trainings",
]
