"""Admin of community diagnoses for city staff. Saving goes through the services (validation,
optimistic locking, audit); access through centres.access (CityStaffAdminMixin). Nothing is
deleted here. Residents' submissions are moderated in the workspace (which city staff may
open for any centre); here they are read, and rejected in bulk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centres.admin import CityStaffAdminMixin, ReadVersionForm
from centres.models import Osiedle
from diagnosis import selectors, services
from diagnosis.models import (
    Diagnosis,
    Finding,
    FindingResponse,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
    TargetGroup,
)

RECORD_FIELDS = ["version", "created_at", "updated_at"]


def _adopt(obj: Model, saved: Model) -> None:
    """Give the admin's object what the service saved (pk, version, times)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class _ServiceAdmin(CityStaffAdminMixin):
    """Turns a service's refusal that slipped past the form (a colleague saved meanwhile)
    into a message rather than an error page."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc,no-any-return]
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())


class MethodUseInline(CityStaffAdminMixin, admin.TabularInline[MethodUse, Diagnosis]):
    model = MethodUse
    extra = 0
    fields = ["method", "date", "respondents", "notes"]
    readonly_fields = ["method", "date", "respondents", "notes"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DiagnosisAdminForm(ReadVersionForm):
    # Not "osiedla": the admin refuses a many-to-many field with its own link model.
    covered_osiedla = forms.ModelMultipleChoiceField(
        label=_("osiedla"),
        queryset=Osiedle.objects.order_by("name"),
        widget=FilteredSelectMultiple(_("osiedla"), is_stacked=False),
    )

    class Meta:
        model = Diagnosis
        fields = ["centre", *services.DIAGNOSIS_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["covered_osiedla"] = [osiedle.pk for osiedle in self.instance.osiedla.all()]

    def _post_clean(self) -> None:
        # The service validates the diagnosis (once, with its osiedla).
        pass


@admin.register(Diagnosis)
class DiagnosisAdmin(_ServiceAdmin, admin.ModelAdmin[Diagnosis]):
    form = DiagnosisAdminForm
    list_display = [
        "title",
        "centre",
        "status",
        "period_start",
        "period_end",
        "submissions_open",
        "finding_count",
    ]
    list_filter = ["status", "submissions_open", "centre"]
    search_fields = ["title", "description", "conclusions", "centre__name"]
    autocomplete_fields = ["centre"]
    list_select_related = ["centre"]
    inlines = [MethodUseInline]
    fieldsets = [
        (
            None,
            {"fields": ["centre", "title", "description", ("period_start", "period_end"), "covered_osiedla"]},
        ),
        (_("Progress"), {"fields": ["status", "submissions_open", "conclusions", "published_at"]}),
        (_("Record"), {"fields": [*RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Diagnosis]:
        return selectors.diagnosis_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = [*RECORD_FIELDS, "published_at"]
        return [*readonly, "centre"] if obj is not None else readonly

    @admin.display(description=_("findings"), ordering="finding_count")
    def finding_count(self, obj: Diagnosis) -> int:
        return int(getattr(obj, "finding_count", 0))

    def save_model(self, request: HttpRequest, obj: Diagnosis, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name] for name in services.DIAGNOSIS_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = services.diagnosis_update(
                diagnosis=obj,
                actor=request.user,
                expected_version=form.expected_version(),
                osiedla=form.cleaned_data["covered_osiedla"],
                **fields,
            )
        else:
            saved = services.diagnosis_create(
                centre=form.cleaned_data["centre"],
                actor=request.user,
                osiedla=form.cleaned_data["covered_osiedla"],
                **fields,
            )
        _adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service saved the osiedla; the inline (methods, read-only here) saves nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class FindingResponseInline(CityStaffAdminMixin, admin.TabularInline[FindingResponse, Finding]):
    model = FindingResponse
    extra = 0
    fields = ["activity", "created_at"]
    readonly_fields = ["activity", "created_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FindingAdminForm(ReadVersionForm):
    target_groups = forms.MultipleChoiceField(
        label=_("target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Finding
        fields = ["diagnosis", *services.FINDING_FIELDS, "status"]

    def _post_clean(self) -> None:
        pass


@admin.register(Finding)
class FindingAdmin(_ServiceAdmin, admin.ModelAdmin[Finding]):
    form = FindingAdminForm
    list_display = ["title", "kind", "theme", "priority", "status_now", "centre", "diagnosis"]
    list_filter = ["kind", "theme", "status", "priority", "diagnosis__centre"]
    search_fields = ["title", "description", "diagnosis__title", "diagnosis__centre__name"]
    autocomplete_fields = ["diagnosis", "osiedle"]
    inlines = [FindingResponseInline]
    fieldsets = [
        (
            None,
            {"fields": ["diagnosis", ("kind", "theme", "priority"), "title", "description", "target_groups"]},
        ),
        (_("Place"), {"fields": ["osiedle", ("latitude", "longitude")]}),
        (_("Status"), {"fields": ["status"]}),
        (_("Record"), {"fields": [*RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return selectors.finding_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*RECORD_FIELDS, "diagnosis"] if obj is not None else list(RECORD_FIELDS)

    @admin.display(description=_("centre"))
    def centre(self, obj: Finding) -> str:
        return obj.diagnosis.centre.name

    @admin.display(description=_("current status"))
    def status_now(self, obj: Finding) -> str:
        return obj.current_status_label

    def save_model(self, request: HttpRequest, obj: Finding, form: Any, change: bool) -> None:
        names = (*services.FINDING_FIELDS, "status")
        fields = {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        if change:
            saved = services.finding_update(
                finding=obj, actor=request.user, expected_version=form.expected_version(), **fields
            )
        else:
            status = fields.pop("status", None)
            saved = services.finding_create(
                diagnosis=form.cleaned_data["diagnosis"], actor=request.user, **fields
            )
            if status and status != saved.status:
                saved = services.finding_set_status(
                    finding=saved, actor=request.user, expected_version=saved.version, status=status
                )
        _adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(ResidentSubmission)
class ResidentSubmissionAdmin(CityStaffAdminMixin, admin.ModelAdmin[ResidentSubmission]):
    list_display = ["__str__", "diagnosis", "kind", "status", "created_at"]
    list_filter = ["status", "kind", "diagnosis__centre"]
    search_fields = ["text", "diagnosis__title"]
    list_select_related = ["diagnosis"]
    actions = ["reject"]
    fields = ("diagnosis", "kind", "text", "osiedle", "status", "finding", "created_at", "moderated_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ResidentSubmission]:
        return selectors.submission_list(user=request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Read-only here, but the list keeps its bulk action.
        return super().has_change_permission(request, obj) if obj is None else False

    @admin.action(description=_("Reject the selected submissions"))
    def reject(self, request: HttpRequest, queryset: QuerySet[ResidentSubmission]) -> None:
        rejected = 0
        for submission in queryset.filter(status=SubmissionStatus.PENDING).select_related(
            "diagnosis__centre"
        ):
            services.submission_reject(submission=submission, actor=request.user)
            rejected += 1
        self.message_user(
            request,
            ngettext("%(count)d submission rejected.", "%(count)d submissions rejected.", rejected)
            % {"count": rejected},
        )
