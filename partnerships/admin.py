"""Admin of partnerships for city staff. Saving goes through the services; access through
centres.access (CityStaffAdminMixin). The phase moves only in the workspace or the API,
where each move is logged: here the phase log is read-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from centres.admin import CityStaffAdminMixin
from partnerships import services
from partnerships.models import (
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipOsiedle,
    PhaseChange,
    Priority,
)


class MemberInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Refuses an organisation twice at overlapping times as a form error.

    An inline's forms skip the constraints that involve the partnership (Django excludes
    the inline's foreign key from validation), so an overlap would only surface in the
    service, as a 500; the formset holds every member, so they are compared here."""

    def clean(self) -> None:
        super().clean()
        message = next(
            c.get_violation_error_message()
            for c in PartnershipMember._meta.constraints
            if c.name == "partnership_member_no_overlap"
        )
        periods: dict[int, list[tuple[date, date]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or data.get("joined") is None or data.get("organization") is None:
                continue
            start, end = data["joined"], data.get("left") or date.max
            seen = periods.setdefault(data["organization"].pk, [])
            if any(start <= other_end and other_start <= end for other_start, other_end in seen):
                form.add_error(None, ValidationError(message, code="overlap"))
            else:
                seen.append((start, end))


class OsiedleInline(CityStaffAdminMixin, admin.TabularInline[PartnershipOsiedle, Partnership]):
    model = PartnershipOsiedle
    extra = 0
    autocomplete_fields = ["osiedle"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Changing the area is an edit, not a loss of history (the audit keeps it).
        return super().has_change_permission(request, obj)


class MemberInline(CityStaffAdminMixin, admin.TabularInline[PartnershipMember, Partnership]):
    model = PartnershipMember
    formset = MemberInlineFormSet
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "joined", "left"]


class MeetingInline(CityStaffAdminMixin, admin.StackedInline[PartnershipMeeting, Partnership]):
    model = PartnershipMeeting
    extra = 0
    fields = ["date", "place", "agenda", "decisions", "minutes", "attendee_names"]
    readonly_fields = ["attendee_names"]

    @admin.display(description=_("attending organisations"))
    def attendee_names(self, obj: PartnershipMeeting) -> str:
        return ", ".join(org.name for org in obj.attendees.all()) if obj.pk else ""


class PriorityInline(CityStaffAdminMixin, admin.TabularInline[Priority, Partnership]):
    model = Priority
    extra = 0
    fields = ["challenge", "osiedle", "status"]
    autocomplete_fields = ["osiedle"]


class PhaseChangeInline(CityStaffAdminMixin, admin.TabularInline[PhaseChange, Partnership]):
    model = PhaseChange
    extra = 0
    fields = ["date", "from_phase", "to_phase", "note", "by"]
    readonly_fields = ["date", "from_phase", "to_phase", "note", "by"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Partnership)
class PartnershipAdmin(CityStaffAdminMixin, admin.ModelAdmin[Partnership]):
    list_display = ["name", "lead_centre", "mode", "phase", "agreement_status", "founded_on"]
    list_filter = ["phase", "mode", "agreement_status", "lead_centre"]
    search_fields = ["name", "lead_centre__name", "goals"]
    autocomplete_fields = ["lead_centre", "leader"]
    list_select_related = ["lead_centre"]
    inlines = [OsiedleInline, MemberInline, MeetingInline, PriorityInline, PhaseChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "lead_centre",
                    "mode",
                    "leader",
                    "phase",
                    "founded_on",
                    "goals",
                    ("voluntariness", "equality", "openness", "locality"),
                    ("agreement_status", "agreement_date"),
                    ("version", "updated_at"),
                ]
            },
        )
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Partnership | None = None) -> list[str]:
        # The phase a new partnership starts in is chosen once; later it moves with a log entry.
        return ["version", "updated_at"] if obj is None else ["phase", "version", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Partnership, form: Any, change: bool) -> None:
        services.partnership_save(partnership=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is PartnershipOsiedle:
            # The link rows themselves: no business rule beyond their uniqueness.
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if isinstance(instance, PartnershipMember):
                services.partnership_member_save(member=instance, actor=request.user)
            else:
                services.partnership_record_save(record=instance, actor=request.user)
