"""Admin of the network for city staff (CityStaffAdminMixin: access is centres.access's).
Saving goes through the services. Memberships, the standing team and certification are
managed here; meetings, practices and consultations are the animator's pages, and the
admin is where city staff correct them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.admin import CityStaffAdminMixin
from network import services
from network.models import (
    Adoption,
    CentreReport,
    CentreReportStatus,
    Certification,
    Consultation,
    ConsultationResponse,
    FollowUp,
    GoodPractice,
    NetworkMeeting,
    NetworkMeetingAttendee,
    NetworkMembership,
    ReportSchedule,
    SelfAssessment,
    TeamMember,
    TrainingAttendance,
    TrainingCompetence,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingSession,
)
from network.reports import centre as centre_reports


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(CityStaffAdminMixin, admin.ModelAdmin[NetworkMembership]):
    list_display = ["organization", "joined", "left", "is_animator"]
    list_filter = ["is_animator", "left"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    fields = ["organization", "joined", "left", "is_animator", "note"]

    def save_model(self, request: HttpRequest, obj: NetworkMembership, form: Any, change: bool) -> None:
        services.network_membership_save(membership=obj, actor=request.user)


@admin.register(TeamMember)
class TeamMemberAdmin(CityStaffAdminMixin, admin.ModelAdmin[TeamMember]):
    list_display = ["person_name", "institution", "role", "since", "until", "user"]
    list_filter = ["role", "institution"]
    search_fields = ["person_name", "institution"]
    autocomplete_fields = ["organization", "user"]
    list_select_related = ["user"]

    def save_model(self, request: HttpRequest, obj: TeamMember, form: Any, change: bool) -> None:
        services.team_member_save(member=obj, actor=request.user)


class AttendeeInline(CityStaffAdminMixin, admin.TabularInline[NetworkMeetingAttendee, NetworkMeeting]):
    model = NetworkMeetingAttendee
    extra = 0
    autocomplete_fields = ["organization"]
    verbose_name = _("attending organisation")
    verbose_name_plural = _("attending organisations")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Correcting who was present is an edit (the audit keeps it).
        return super().has_change_permission(request, obj)


class FollowUpInline(CityStaffAdminMixin, admin.TabularInline[FollowUp, NetworkMeeting]):
    model = FollowUp
    extra = 0
    fields = ["title", "assignee", "due", "status", "note"]
    autocomplete_fields = ["assignee"]


class _RecordAdmin(CityStaffAdminMixin, admin.ModelAdmin[Any]):
    readonly_fields = ["version", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.network_record_save(record=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if hasattr(instance, "version"):
                services.network_record_save(record=instance, actor=request.user)
            else:
                instance.save()
        formset.save_m2m()


@admin.register(NetworkMeeting)
class NetworkMeetingAdmin(_RecordAdmin):
    list_display = ["date", "kind", "place"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["agenda", "decisions", "minutes", "place"]
    inlines = [AttendeeInline, FollowUpInline]
    fields = ["kind", "date", "place", "agenda", "decisions", "minutes", "version", "updated_at"]


@admin.register(FollowUp)
class FollowUpAdmin(_RecordAdmin):
    list_display = ["title", "meeting", "assignee", "due", "status"]
    list_filter = ["status"]
    search_fields = ["title", "assignee__name"]
    autocomplete_fields = ["assignee"]
    raw_id_fields = ["meeting"]
    list_select_related = ["meeting", "assignee"]
    fields = ["meeting", "title", "assignee", "due", "status", "note", "version", "updated_at"]


class AdoptionInline(CityStaffAdminMixin, admin.TabularInline[Adoption, GoodPractice]):
    model = Adoption
    extra = 0
    fields = ["centre", "adopted_on", "outcome"]
    autocomplete_fields = ["centre"]


@admin.register(GoodPractice)
class GoodPracticeAdmin(_RecordAdmin):
    list_display = ["title", "centre", "method", "status", "published_at"]
    list_filter = ["status", "method"]
    search_fields = ["title", "summary", "centre__name"]
    autocomplete_fields = ["centre"]
    list_select_related = ["centre"]
    inlines = [AdoptionInline]
    readonly_fields = ["status", "published_at", "proposed_by", "version", "created_at", "updated_at"]
    fields = [
        "centre",
        "title",
        "summary",
        "method",
        "effects",
        "description",
        "attachment",
        ("status", "published_at"),
        "proposed_by",
        ("version", "updated_at"),
    ]
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected practices"))
    def publish(self, request: HttpRequest, queryset: QuerySet[GoodPractice]) -> None:
        self._each(request, queryset, services.practice_publish)

    @admin.action(description=_("Withdraw the selected practices from publication"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[GoodPractice]) -> None:
        self._each(request, queryset, services.practice_unpublish)

    def _each(self, request: HttpRequest, queryset: QuerySet[GoodPractice], action: Any) -> None:
        for practice in queryset:
            try:
                action(practice=practice, actor=request.user, expected_version=practice.version)
            except ValidationError as exc:
                self.message_user(request, f"{practice}: {' '.join(exc.messages)}", messages.ERROR)


class ResponseInline(CityStaffAdminMixin, admin.StackedInline[ConsultationResponse, Consultation]):
    model = ConsultationResponse
    extra = 0
    fields = ["organization", "text", "submitted_at", "submitted_by"]
    readonly_fields = ["organization", "text", "submitted_at", "submitted_by"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Organisations answer in the portal, while the consultation is open.
        return False


@admin.register(Consultation)
class ConsultationAdmin(_RecordAdmin):
    list_display = ["title", "subject", "opens", "closes"]
    search_fields = ["title", "subject"]
    date_hierarchy = "opens"
    inlines = [ResponseInline]
    fields = [
        "title",
        "subject",
        "description",
        "document_url",
        "document",
        ("opens", "closes"),
        ("version", "updated_at"),
    ]


@admin.register(Certification)
class CertificationAdmin(CityStaffAdminMixin, admin.ModelAdmin[Certification]):
    list_display = ["centre", "status", "applied_on", "granted_on", "valid_until"]
    list_filter = ["status"]
    search_fields = ["centre__name", "decision_note"]
    autocomplete_fields = ["centre"]
    list_select_related = ["centre"]
    readonly_fields = ["version", "updated_at"]
    fields = [
        "centre",
        "status",
        "applied_on",
        "visited_on",
        "granted_on",
        "valid_until",
        "decision_note",
        ("version", "updated_at"),
    ]

    def save_model(self, request: HttpRequest, obj: Certification, form: Any, change: bool) -> None:
        services.certification_save(certification=obj, actor=request.user)


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(_RecordAdmin):
    list_display = ["centre", "year", "submitted", "submitted_at"]
    list_filter = ["year", "submitted"]
    search_fields = ["centre__name"]
    autocomplete_fields = ["centre"]
    list_select_related = ["centre"]
    readonly_fields = ["submitted", "submitted_at", "version", "created_at", "updated_at"]
    actions = ["reopen"]

    @admin.action(description=_("Give the selected self-assessments back to their centres for changes"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[SelfAssessment]) -> None:
        for assessment in queryset.filter(submitted=True):
            services.self_assessment_reopen(assessment=assessment, actor=request.user)


# --- Centre reports ---------------------------------------------------------------------


class CentreReportReviewForm(forms.ModelForm):  # type: ignore[type-arg]
    """City staff review a submitted report: return it with comments or accept it."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("return", _("Return for correction")), ("accept", _("Accept"))],
    )

    class Meta:
        model = CentreReport
        fields = ["review_comment"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision and self.instance.status != CentreReportStatus.SUBMITTED:
            raise ValidationError({"decision": _("Only a submitted report can be reviewed.")})
        if decision == "return" and not (data.get("review_comment") or "").strip():
            raise ValidationError({"review_comment": _("Say what the operator should correct.")})
        return data


@admin.register(CentreReport)
class CentreReportAdmin(CityStaffAdminMixin, admin.ModelAdmin[CentreReport]):
    form = CentreReportReviewForm
    list_display = ["centre", "kind", "period_start", "period_end", "due_on", "status", "submitted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["centre__name", "term__organization__name"]
    list_select_related = ["centre"]
    date_hierarchy = "period_end"
    readonly_fields = [
        "centre",
        "term",
        "kind",
        "period_start",
        "period_end",
        "due_on",
        "status",
        "results",
        "actions",
        "deviations",
        "additional_info",
        "budget_lines",
        "figures",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "version",
    ]
    fields = [*readonly_fields[:-1], "review_comment", "decision", "version"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # drafts are built from the schedule, never added by hand

    def save_model(self, request: HttpRequest, obj: CentreReport, form: Any, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        comment = form.cleaned_data.get("review_comment") or ""
        if decision == "return":
            centre_reports.centre_report_return(report=obj, actor=request.user, comment=comment)
        elif decision == "accept":
            centre_reports.centre_report_accept(report=obj, actor=request.user, comment=comment)


@admin.register(ReportSchedule)
class ReportScheduleAdmin(CityStaffAdminMixin, admin.ModelAdmin[ReportSchedule]):
    list_display = ["term", "monthly", "partial_every_months", "final", "due_days"]
    list_select_related = ["term__centre", "term__organization"]
    raw_id_fields = ["term"]

    def save_model(self, request: HttpRequest, obj: ReportSchedule, form: Any, change: bool) -> None:
        centre_reports.report_schedule_save(schedule=obj, actor=request.user)


# --- Animators' training ----------------------------------------------------------------
# The animator runs programmes on the network's pages; city staff correct them here. Every
# save goes through the services (completion is recomputed); enrolments and attendance are
# shown, not edited: they are the operators' and the animator's work.


class TrainingProgrammeAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingProgramme
        fields = services.TRAINING_PROGRAMME_FIELDS

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.instance.pk and not self.errors:
            try:
                services.training_programme_check(self.instance)
            except ValidationError as error:
                self._update_errors(error)  # type: ignore[attr-defined]


class TrainingSessionAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingSession
        fields = services.TRAINING_SESSION_FIELDS

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        session = self.instance
        if (
            session.pk
            and "starts_at" not in self.errors
            and session.starts_at is not None
            and session.starts_at > timezone.now()
            and session.attendances.exists()
        ):
            self.add_error(
                "starts_at",
                _("Attendance at this session has been recorded: it cannot be moved to the future."),
            )


class TrainingSessionInline(CityStaffAdminMixin, admin.TabularInline[TrainingSession, TrainingProgramme]):
    model = TrainingSession
    form = TrainingSessionAdminForm
    extra = 0
    fields = list(services.TRAINING_SESSION_FIELDS)
    ordering = ["starts_at", "pk"]


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(CityStaffAdminMixin, admin.ModelAdmin[TrainingProgramme]):
    form = TrainingProgrammeAdminForm
    list_display = ["title", "topic", "starts_on", "ends_on", "attendance_threshold", "capacity"]
    list_filter = ["topic"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_on"
    inlines = [TrainingSessionInline]
    fields = [*services.TRAINING_PROGRAMME_FIELDS, "created_by", "version", "updated_at"]
    readonly_fields = ["created_by", "version", "updated_at"]
    actions = ["recompute_completion"]

    def save_model(self, request: HttpRequest, obj: TrainingProgramme, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in services.TRAINING_PROGRAMME_FIELDS}
        if change:
            updated = services.training_programme_update(
                programme=obj, actor=request.user, expected_version=obj.version, **fields
            )
            obj.version = updated.version
        else:
            created = services.training_programme_create(actor=request.user, **fields)
            obj.pk, obj.version, obj.created_by = created.pk, created.version, created.created_by

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        programme = form.instance
        # What the admin's history message reads (formset.save() would set them).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for session_form in formset.forms:
            if not session_form.has_changed() or session_form in formset.deleted_forms:
                continue
            data = {name: session_form.cleaned_data[name] for name in services.TRAINING_SESSION_FIELDS}
            session = session_form.instance
            if session.pk:
                services.training_session_update(
                    session=session, actor=request.user, expected_version=session.version, **data
                )
                formset.changed_objects.append((session, session_form.changed_data))
            else:
                created = services.training_session_create(programme=programme, actor=request.user, **data)
                formset.new_objects.append(created)

    @admin.action(description=_("Recompute who has completed the selected programmes"))
    def recompute_completion(self, request: HttpRequest, queryset: QuerySet[TrainingProgramme]) -> None:
        for programme in queryset:
            services.training_completion_update(programme=programme, actor=request.user)
        self.message_user(request, _("Completion recomputed."), messages.SUCCESS)


class TrainingAttendanceInline(
    CityStaffAdminMixin, admin.TabularInline[TrainingAttendance, TrainingEnrolment]
):
    model = TrainingAttendance
    extra = 0
    fields = readonly_fields = ("session", "present", "recorded_by", "recorded_at")
    ordering = ["session__starts_at", "pk"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrainingEnrolment)
class TrainingEnrolmentAdmin(CityStaffAdminMixin, admin.ModelAdmin[TrainingEnrolment]):
    """Read only: operators enrol their people, the animator records attendance."""

    list_display = ["name", "programme", "centre", "role", "completed_on"]
    list_filter = ["role", "programme__topic", ("completed_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "programme__title", "centre__name"]
    list_select_related = ["programme", "centre"]
    fields = readonly_fields = (
        "programme",
        "centre",
        "name",
        "role",
        "volunteer",
        "staff",
        "enrolled_by",
        "completed_on",
    )
    inlines = [TrainingAttendanceInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrainingCompetence)
class TrainingCompetenceAdmin(CityStaffAdminMixin, admin.ModelAdmin[TrainingCompetence]):
    """The competences centres gained by training (added on their first completion)."""

    list_display = ["centre", "programme", "gained_on", "resource"]
    list_select_related = ["centre", "programme", "resource"]
    search_fields = ["centre__name", "programme__title"]
    fields = readonly_fields = ("programme", "centre", "resource", "gained_on")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
