"""Admin for city staff. Saving goes through the services; access through centres.access."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import pghistory.admin
import pghistory.models
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelectMultiple, FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from centres import access, selectors, services
from centres.exports import activities_csv, activities_xlsx, centres_csv
from centres.forms import RegistryNumbersForm
from centres.models import (
    Activity,
    ActivitySeries,
    Centre,
    District,
    Effect,
    Group,
    Membership,
    OperatorTerm,
    Organization,
    Osiedle,
    Project,
    ProjectIndicator,
    Resource,
    Volunteer,
)
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


class CentreAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The centre with the osiedla it serves, a form field of its own: the many-to-many goes
    through an audited model (CentreServedOsiedle), saved by the service with the centre."""

    area_of_influence = forms.ModelMultipleChoiceField(
        label=_("served osiedla"),
        queryset=Osiedle.objects.order_by("name"),
        required=False,
        widget=FilteredSelectMultiple(_("served osiedla"), is_stacked=False),
    )

    class Meta:
        model = Centre
        exclude = ["served_osiedla"]  # noqa: DJ006 - replaced by area_of_influence

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["area_of_influence"] = list(
                self.instance.served_osiedla.values_list("pk", flat=True)
            )


@admin.register(Centre)
class CentreAdmin(CityStaffAdminMixin, admin.ModelAdmin[Centre]):
    form = CentreAdminForm
    list_display = ["name", "status", "primary_osiedle", "district", "street_address"]
    list_filter = ["status", "primary_osiedle__district", "primary_osiedle"]
    search_fields = ["name", "street_address", "slug"]
    autocomplete_fields = ["primary_osiedle"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["primary_osiedle"]
    inlines = [OperatorTermInline]
    actions = ["export_csv"]
    readonly_fields = ["version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status"]}),
        (_("Location"), {"fields": ["street_address", "postal_code", "city", "latitude", "longitude"]}),
        (_("Area of influence"), {"fields": ["primary_osiedle", "area_of_influence", "area_m2"]}),
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
        # The centre and the osiedla it serves, in one audited change.
        served = form.cleaned_data["area_of_influence"]
        services.centre_save(centre=obj, actor=request.user, served_osiedla=served)

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


# --- What centres have and do: resources, activities, volunteers, groups --------------

_V = TypeVar("_V", Resource, Activity, Volunteer, Group, Project)

RECORD_FIELDS = ["version", "created_at", "updated_at"]


class ReadVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    """An admin form carrying the version of the record it was read at (optimistic
    locking, as in the workspace): a save based on an outdated read is refused."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["read_version"] = self.instance.version

    def expected_version(self) -> int:
        read: int | None = self.cleaned_data.get("read_version")
        return self.instance.version if read is None else read

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.instance.pk and self.expected_version() != self.instance.version:
            # The service's own message (and translation): it checks again under a row lock.
            raise ValidationError(
                gettext(
                    "Someone else changed this %(record)s while you were editing it. Your changes were "
                    "not saved: reload the page to see the current version, then make your changes again."
                )
                % {"record": self.instance._meta.verbose_name},
                code="conflict",
            )
        return cleaned


def _adopt(obj: Model, saved: Model) -> None:
    """Give the admin's object what the service saved (pk, version, times): the admin
    logs the change and redirects with it."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class CentreRecordAdmin(CityStaffAdminMixin, admin.ModelAdmin[_V], Generic[_V]):
    """A record of a centre. Creating and changing go through the services (validation,
    optimistic locking, audit); the centre of an existing record does not change; nothing
    is deleted here (operators delete in the workspace, with the version they read)."""

    form = ReadVersionForm
    service_fields: Sequence[str] = ()
    autocomplete_fields = ["centre"]
    list_select_related = ["centre"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly: list[str] = [*super().get_readonly_fields(request, obj), *RECORD_FIELDS]
        return [*readonly, "centre"] if obj is not None else readonly

    def service_create(self, request: HttpRequest, centre: Centre, form: Any, fields: dict[str, Any]) -> _V:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: _V, form: Any, fields: dict[str, Any]) -> _V:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: _V, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in self.service_fields if name in form.cleaned_data}
        if change:
            saved = self.service_update(request, obj, form, fields)
        else:
            saved = self.service_create(request, obj.centre, form, fields)
        _adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service saved the record whole (partners included): the form saves nothing itself.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # A colleague saved between the form's check and the service's row lock: the
            # save was rolled back; say so rather than fail.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class OsiedleListFilter(admin.SimpleListFilter):
    """Records of the centres located in, or serving, an osiedle."""

    title = _("osiedle")
    parameter_name = "osiedle"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        osiedla = Osiedle.objects.filter(
            Q(primary_centres__isnull=False) | Q(served_by_centres__isnull=False)
        ).distinct()
        return [(osiedle.slug, osiedle.name) for osiedle in osiedla.order_by("name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        centres = Centre.objects.filter(Q(primary_osiedle__slug=value) | Q(served_osiedla__slug=value))
        return queryset.filter(centre__in=centres.values("pk"))


class DistrictListFilter(admin.SimpleListFilter):
    """Records of the centres located in, or serving an osiedle of, a former district."""

    title = _("district")
    parameter_name = "district"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in District.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        centres = Centre.objects.filter(
            Q(primary_osiedle__district=value) | Q(served_osiedla__district=value)
        )
        return queryset.filter(centre__in=centres.values("pk"))


class EffectListFilter(admin.SimpleListFilter):
    """Activities that intend an effect (one value of the array of effects)."""

    title = _("intended effect")
    parameter_name = "effect"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in Effect.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(effects__contains=[value])


@admin.register(Resource)
class ResourceAdmin(CentreRecordAdmin[Resource]):
    service_fields = services.RESOURCE_FIELDS
    list_display = ["name", "centre", "kind", "category", "capacity", "accessible", "shareable"]
    list_filter = [
        "kind",
        "category",
        "accessible",
        "shareable",
        "centre",
        OsiedleListFilter,
        DistrictListFilter,
    ]
    search_fields = ["name", "description", "centre__name"]
    fieldsets = [
        (None, {"fields": ["centre", "kind", "category", "name", "description", "capacity"]}),
        (None, {"fields": ["accessible", "shareable"]}),
        (_("Record"), {"fields": [*RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Resource]:
        return selectors.resource_list(user=request.user)

    def service_create(
        self, request: HttpRequest, centre: Centre, form: Any, fields: dict[str, Any]
    ) -> Resource:
        return services.resource_create(centre=centre, actor=request.user, **fields)

    def service_update(
        self, request: HttpRequest, obj: Resource, form: Any, fields: dict[str, Any]
    ) -> Resource:
        return services.resource_update(
            resource=obj, actor=request.user, expected_version=form.expected_version(), **fields
        )


@admin.register(Group)
class GroupAdmin(CentreRecordAdmin[Group]):
    service_fields = services.GROUP_FIELDS
    list_display = ["name", "centre", "kind", "meets", "members_count", "active"]
    list_filter = ["kind", "active", "centre", OsiedleListFilter, DistrictListFilter]
    search_fields = ["name", "description", "centre__name"]
    fieldsets = [
        (None, {"fields": ["centre", "name", "kind", "meets", "description", "members_count", "active"]}),
        (_("Record"), {"fields": [*RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return selectors.group_list(user=request.user)

    def service_create(
        self, request: HttpRequest, centre: Centre, form: Any, fields: dict[str, Any]
    ) -> Group:
        return services.group_create(centre=centre, actor=request.user, **fields)

    def service_update(self, request: HttpRequest, obj: Group, form: Any, fields: dict[str, Any]) -> Group:
        return services.group_update(
            group=obj, actor=request.user, expected_version=form.expected_version(), **fields
        )


class ActivityAdminForm(ReadVersionForm):
    effects = forms.MultipleChoiceField(
        label=capfirst(Activity._meta.get_field("effects").verbose_name),
        choices=Effect.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Partners go through an explicit model (ActivityPartner), which the admin does not
    # offer as a field by itself; the service sets them.
    partner_organizations = forms.ModelMultipleChoiceField(
        label=capfirst(Activity._meta.get_field("partners").verbose_name),
        queryset=Organization.objects.order_by("name"),
        required=False,
        widget=AutocompleteSelectMultiple(Activity._meta.get_field("partners"), admin.site),
    )

    class Meta:
        model = Activity
        fields = ["centre", *services.ACTIVITY_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["partner_organizations"] = [org.pk for org in self.instance.partners.all()]


@admin.register(Activity)
class ActivityAdmin(CentreRecordAdmin[Activity]):
    form = ActivityAdminForm
    service_fields = services.ACTIVITY_FIELDS
    list_display = ["title", "centre", "start", "method", "form", "total_participants", "is_public"]
    list_filter = [
        "centre",
        OsiedleListFilter,
        DistrictListFilter,
        "method",
        "form",
        ("start", admin.DateFieldListFilter),
        EffectListFilter,
        "resident_initiated",
        "in_public_space",
        "is_public",
    ]
    date_hierarchy = "start"
    search_fields = ["title", "place", "description", "centre__name"]
    actions = ["export_csv", "export_xlsx"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "centre",
                    "title",
                    "description",
                    ("start", "end"),
                    ("method", "form"),
                    "place",
                    "in_public_space",
                    "resident_initiated",
                    "is_public",
                ]
            },
        ),
        (
            _("Participants and volunteers"),
            {
                "fields": [
                    (
                        "participants_0_12",
                        "participants_13_17",
                        "participants_18_25",
                        "participants_26_59",
                        "participants_60_plus",
                    ),
                    ("volunteers_involved", "volunteer_hours"),
                ]
            },
        ),
        (_("Partners and effects"), {"fields": ["partner_organizations", "effects"]}),
        (_("Record"), {"fields": ["series", *RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return selectors.activity_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "series"]

    @admin.display(description=_("Participants in total"))
    def total_participants(self, obj: Activity) -> int:
        return obj.participants

    def service_create(
        self, request: HttpRequest, centre: Centre, form: Any, fields: dict[str, Any]
    ) -> Activity:
        return services.activity_create(
            centre=centre, actor=request.user, partners=form.cleaned_data["partner_organizations"], **fields
        )

    def service_update(
        self, request: HttpRequest, obj: Activity, form: Any, fields: dict[str, Any]
    ) -> Activity:
        return services.activity_update(
            activity=obj,
            actor=request.user,
            expected_version=form.expected_version(),
            partners=form.cleaned_data["partner_organizations"],
            **fields,
        )

    def _for_export(self, queryset: QuerySet[Activity]) -> QuerySet[Activity]:
        # The selector's joins (centre, osiedle, partners) carry over: counts stay flat.
        return queryset.order_by("start", "pk")

    @admin.action(description=_("Export to CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Activity]) -> HttpResponse:
        response = HttpResponse(
            activities_csv(self._for_export(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="activities.csv"'
        return response

    @admin.action(description=_("Export to XLSX"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Activity]) -> HttpResponse:
        response = HttpResponse(
            activities_xlsx(self._for_export(queryset)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="activities.xlsx"'
        return response


@admin.register(ActivitySeries)
class ActivitySeriesAdmin(CityStaffAdminMixin, admin.ModelAdmin[ActivitySeries]):
    """Series are created in the workspace; each occurrence is an activity of its own."""

    list_display = ["centre", "frequency", "first_start", "until", "occurrences", "created_at"]
    list_filter = ["frequency", "centre"]
    list_select_related = ["centre"]
    search_fields = ["centre__name"]
    date_hierarchy = "first_start"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VolunteerAdminForm(ReadVersionForm):
    """Personal data is kept only with a recorded consent or another legal basis."""

    REQUIRED = ("name", "consent_date", "consent_scope", "legal_basis")

    class Meta:
        model = Volunteer
        fields = ["centre", *services.VOLUNTEER_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            if name in self.fields:
                self.fields[name].required = True


class PersonalDataListFilter(admin.SimpleListFilter):
    title = _("personal data")
    parameter_name = "personal_data"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("kept", _("kept")), ("erased", _("erased"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "kept":
            return queryset.filter(erased_at__isnull=True)
        if self.value() == "erased":
            return queryset.filter(erased_at__isnull=False)
        return queryset


@admin.register(Volunteer)
class VolunteerAdmin(CentreRecordAdmin[Volunteer]):
    """Personal data: city staff see it (nobody else enters the admin); they erase it or
    export it on request (GDPR art. 15, 17 and 20)."""

    form = VolunteerAdminForm
    service_fields = services.VOLUNTEER_FIELDS
    list_display = [
        "__str__",
        "centre",
        "is_leader",
        "active",
        "consent_date",
        "legal_basis",
        "agreement_end",
        "erased_at",
    ]
    list_filter = ["centre", "is_leader", "active", "legal_basis", PersonalDataListFilter]
    search_fields = ["name", "email", "skills", "centre__name"]
    actions = ["erase_personal_data", "export_personal_data"]
    fieldsets = [
        (None, {"fields": ["centre", "name", "email", "phone", "skills", "notes", "is_leader", "active"]}),
        (_("Consent"), {"fields": ["consent_date", "consent_scope", "legal_basis"]}),
        (_("Agreement (porozumienie)"), {"fields": ["agreement_start", "agreement_end"]}),
        (_("Record"), {"fields": ["erased_at", *RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Volunteer]:
        return selectors.volunteer_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "erased_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Erased data stays erased: the anonymous record is only viewed.
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def service_create(
        self, request: HttpRequest, centre: Centre, form: Any, fields: dict[str, Any]
    ) -> Volunteer:
        return services.volunteer_create(centre=centre, actor=request.user, **fields)

    def service_update(
        self, request: HttpRequest, obj: Volunteer, form: Any, fields: dict[str, Any]
    ) -> Volunteer:
        return services.volunteer_update(
            volunteer=obj, actor=request.user, expected_version=form.expected_version(), **fields
        )

    @admin.action(description=_("Erase personal data"))
    def erase_personal_data(
        self, request: HttpRequest, queryset: QuerySet[Volunteer]
    ) -> TemplateResponse | None:
        """Asks first (erasure cannot be undone), then erases through the service."""
        volunteers = list(queryset.filter(erased_at__isnull=True).select_related("centre"))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Erase personal data"),
                "opts": self.model._meta,
                "volunteers": volunteers,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/centres/volunteer/erase_personal_data.html", context)
        for volunteer in volunteers:
            services.volunteer_erase(volunteer=volunteer, actor=request.user)
        count = len(volunteers)
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d volunteer has been erased.",
                "The personal data of %(count)d volunteers has been erased.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Export personal data (JSON)"))
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> JsonResponse:
        data = [selectors.volunteer_personal_data(volunteer=volunteer) for volunteer in queryset]
        response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="volunteers-personal-data.json"'
        return response


# --- Projects and their result indicators ---------------------------------------------------


class ProjectAdminForm(ReadVersionForm):
    # Partners and activities go through explicit models (ProjectPartner, ProjectActivity),
    # which the admin does not offer as fields by themselves; the service sets them.
    partner_organizations = forms.ModelMultipleChoiceField(
        label=capfirst(Project._meta.get_field("partners").verbose_name),
        queryset=Organization.objects.order_by("name"),
        required=False,
        widget=AutocompleteSelectMultiple(Project._meta.get_field("partners"), admin.site),
    )
    linked_activities = forms.ModelMultipleChoiceField(
        label=capfirst(Project._meta.get_field("activities").verbose_name),
        queryset=Activity.objects.order_by("start", "pk"),
        required=False,
        widget=AutocompleteSelectMultiple(Project._meta.get_field("activities"), admin.site),
        help_text=_("Activities of the project's centre, held within the project's period."),
    )

    class Meta:
        model = Project
        fields = ["centre", *services.PROJECT_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["partner_organizations"] = [org.pk for org in self.instance.partners.all()]
            self.initial["linked_activities"] = [activity.pk for activity in self.instance.activities.all()]


class ProjectIndicatorInline(CityStaffAdminMixin, admin.TabularInline[ProjectIndicator, Project]):
    """The project's indicators with their achieved values, to read; they are changed on
    their own page (through the services, with the version read)."""

    model = ProjectIndicator
    extra = 0
    fields = ["name", "measure", "target", "achieved_value", "how_measured"]
    readonly_fields = ["name", "measure", "target", "achieved_value", "how_measured"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProjectIndicator]:
        return selectors.project_indicator_queryset()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("achieved"))
    def achieved_value(self, obj: ProjectIndicator) -> Any:
        achieved = getattr(obj, "achieved", None)
        return "—" if achieved is None else achieved


@admin.register(Project)
class ProjectAdmin(CentreRecordAdmin[Project]):
    form = ProjectAdminForm
    service_fields = services.PROJECT_FIELDS
    inlines = [ProjectIndicatorInline]
    list_display = [
        "title",
        "centre",
        "status",
        "funder_kind",
        "funder_name",
        "starts_on",
        "ends_on",
        "amount",
    ]
    list_filter = ["status", "funder_kind", "centre", OsiedleListFilter, DistrictListFilter]
    search_fields = ["title", "funder_name", "summary", "centre__name"]
    date_hierarchy = "starts_on"
    fieldsets = [
        (None, {"fields": ["centre", "title", "summary", "description", ("status", "decision_date")]}),
        (
            _("Funder"),
            {"fields": ["funder_kind", "funder_name", ("funder_period_start", "funder_period_end")]},
        ),
        (_("Period and budget"), {"fields": [("starts_on", "ends_on"), ("amount", "own_contribution")]}),
        (_("Partners and activities"), {"fields": ["partner_organizations", "linked_activities"]}),
        (_("Record"), {"fields": [*RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return selectors.project_list(user=request.user)

    def service_create(
        self, request: HttpRequest, centre: Centre, form: Any, fields: dict[str, Any]
    ) -> Project:
        return services.project_create(
            centre=centre,
            actor=request.user,
            partners=form.cleaned_data["partner_organizations"],
            activities=form.cleaned_data["linked_activities"],
            **fields,
        )

    def service_update(
        self, request: HttpRequest, obj: Project, form: Any, fields: dict[str, Any]
    ) -> Project:
        return services.project_update(
            project=obj,
            actor=request.user,
            expected_version=form.expected_version(),
            partners=form.cleaned_data["partner_organizations"],
            activities=form.cleaned_data["linked_activities"],
            **fields,
        )


class ProjectIndicatorAdminForm(ReadVersionForm):
    class Meta:
        model = ProjectIndicator
        fields = ["project", *services.PROJECT_INDICATOR_FIELDS]


@admin.register(ProjectIndicator)
class ProjectIndicatorAdmin(CityStaffAdminMixin, admin.ModelAdmin[ProjectIndicator]):
    """A result indicator; created and changed through the services (validation, optimistic
    locking, audit). Its project does not change."""

    form = ProjectIndicatorAdminForm
    list_display = ["name", "project", "measure", "target", "achieved_value", "unit"]
    list_filter = ["measure", "project__centre"]
    list_select_related = ["project__centre"]
    search_fields = ["name", "how_measured", "project__title"]
    autocomplete_fields = ["project"]
    fieldsets = [
        (
            None,
            {"fields": ["project", "name", "measure", ("target", "unit"), "value_entered", "how_measured"]},
        ),
        (_("Record"), {"fields": [*RECORD_FIELDS, "read_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProjectIndicator]:
        return selectors.project_indicator_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly: list[str] = [*super().get_readonly_fields(request, obj), *RECORD_FIELDS]
        return [*readonly, "project"] if obj is not None else readonly

    @admin.display(description=_("achieved"))
    def achieved_value(self, obj: ProjectIndicator) -> Any:
        achieved = getattr(obj, "achieved", None)
        return "—" if achieved is None else achieved

    def save_model(self, request: HttpRequest, obj: ProjectIndicator, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in services.PROJECT_INDICATOR_FIELDS
            if name in form.cleaned_data
        }
        if change:
            saved = services.project_indicator_update(
                indicator=obj, actor=request.user, expected_version=form.expected_version(), **fields
            )
        else:
            saved = services.project_indicator_create(project=obj.project, actor=request.user, **fields)
        _adopt(obj, saved)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # A colleague saved between the form's check and the service's row lock.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
