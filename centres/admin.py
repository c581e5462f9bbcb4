"""Admin for city staff. Saving goes through the services; access through centres.access."""

from __future__ import annotations

from datetime import date
from typing import Any

import pghistory.admin
import pghistory.models
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from centres import access, services
from centres.exports import centres_csv
from centres.forms import RegistryNumbersForm
from centres.models import Centre, Membership, OperatorTerm, Organization, Osiedle
from centres.selectors import current_terms_prefetch


class CityStaffAdminMixin:
    """Only city staff work in the admin; the decision is centres.access's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_city_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_city_staff(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return access.is_city_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_city_staff(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records carry the history of a centre: they are changed, not deleted.
        return False


@admin.register(Osiedle)
class OsiedleAdmin(CityStaffAdminMixin, admin.ModelAdmin[Osiedle]):
    list_display = ["name", "district", "population"]
    list_filter = ["district"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(CityStaffAdminMixin, admin.ModelAdmin[Organization]):
    form = RegistryNumbersForm
    list_display = ["name", "kind", "sector", "krs", "nip", "osiedle"]
    list_filter = ["kind", "sector", "osiedle__district"]
    search_fields = ["name", "krs", "nip", "regon"]
    autocomplete_fields = ["osiedle"]
    list_select_related = ["osiedle"]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        services.organization_save(organization=obj, actor=request.user)


class OperatorTermInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Refuses overlapping terms as a form error.

    The forms of an inline skip the constraints that involve the centre (Django excludes
    the inline's foreign key from validation), so an overlap would only surface in the
    service, as a 500. The formset holds every term of the centre, so they are compared
    with each other here, as submitted, rather than with the database: ending the current
    term and adding the next one in the same save is the usual change of operator.
    """

    def clean(self) -> None:
        super().clean()
        message = next(
            c.get_violation_error_message()
            for c in OperatorTerm._meta.constraints
            if c.name == "operator_term_no_overlap"
        )
        periods: list[tuple[date, date]] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or data.get("start") is None:
                continue
            start, end = data["start"], data.get("end") or date.max
            if any(start <= other_end and other_start <= end for other_start, other_end in periods):
                form.add_error(None, ValidationError(message, code="overlap"))
            else:
                periods.append((start, end))


class OperatorTermInline(CityStaffAdminMixin, admin.TabularInline[OperatorTerm, Centre]):
    model = OperatorTerm
    formset = OperatorTermInlineFormSet
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "start", "end", "agreement_number", "grant_amount", "competition_reference"]


@admin.register(Centre)
class CentreAdmin(CityStaffAdminMixin, admin.ModelAdmin[Centre]):
    list_display = ["name", "status", "primary_osiedle", "district", "street_address"]
    list_filter = ["status", "primary_osiedle__district", "primary_osiedle"]
    search_fields = ["name", "street_address", "slug"]
    autocomplete_fields = ["primary_osiedle", "served_osiedla"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["primary_osiedle"]
    inlines = [OperatorTermInline]
    actions = ["export_csv"]
    readonly_fields = ["version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status"]}),
        (_("Location"), {"fields": ["street_address", "postal_code", "city", "latitude", "longitude"]}),
        (_("Area of influence"), {"fields": ["primary_osiedle", "served_osiedla", "area_m2"]}),
        (
            _("Public profile"),
            {"fields": ["description", "opening_hours", "accessibility_notes", "email", "phone", "website"]},
        ),
        (_("Record"), {"fields": ["version", "updated_at"]}),
    ]

    @admin.display(description=_("district"), ordering="primary_osiedle__district")
    def district(self, obj: Centre) -> str:
        return obj.primary_osiedle.get_district_display()

    def save_model(self, request: HttpRequest, obj: Centre, form: Any, change: bool) -> None:
        # served_osiedla are saved by save_related, after the centre exists.
        services.centre_save(centre=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is OperatorTerm:
            for term in formset.save(commit=False):
                services.operator_term_save(term=term, actor=request.user)
            return
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Export selected centres as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Centre]) -> HttpResponse:
        centres = queryset.select_related("primary_osiedle").prefetch_related(
            "served_osiedla", current_terms_prefetch()
        )
        body = centres_csv(centres, base_url=request.build_absolute_uri("/").rstrip("/"))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="centres.csv"'
        return response


@admin.register(OperatorTerm)
class OperatorTermAdmin(CityStaffAdminMixin, admin.ModelAdmin[OperatorTerm]):
    list_display = ["centre", "organization", "start", "end", "agreement_number", "grant_amount"]
    list_filter = ["centre__primary_osiedle__district", "start"]
    search_fields = ["centre__name", "organization__name", "agreement_number"]
    autocomplete_fields = ["centre", "organization"]
    list_select_related = ["centre", "organization"]
    date_hierarchy = "start"

    def save_model(self, request: HttpRequest, obj: OperatorTerm, form: Any, change: bool) -> None:
        services.operator_term_save(term=obj, actor=request.user)


@admin.register(Membership)
class MembershipAdmin(CityStaffAdminMixin, admin.ModelAdmin[Membership]):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "organization"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Ending someone's access is a deletion of their membership.
        return access.is_city_staff(request.user)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        services.membership_save(membership=obj, actor=request.user)


class EventsAdmin(pghistory.admin.EventsAdmin):
    """The audit history (django-pghistory) for city staff, who hold no model permissions:
    access is centres.access's decision here too. Events stay read-only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_city_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_city_staff(request.user)


# pghistory.admin registers its events admin when it is ready; ours replaces it.
admin.site.unregister(pghistory.models.Events)
admin.site.register(pghistory.models.Events, EventsAdmin)
