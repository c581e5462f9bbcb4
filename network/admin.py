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
