"""FilterSets shared by the API, the public directory and the selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms as django_forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from centres.access import current_term_q
from centres.models import (
    Activity,
    ActivityForm,
    CalMethod,
    Centre,
    CentreStatus,
    District,
    Effect,
    FunderKind,
    Group,
    GroupKind,
    IndicatorMeasure,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Project,
    ProjectIndicator,
    ProjectStatus,
    Resource,
    ResourceCategory,
    ResourceKind,
    Sector,
    Volunteer,
)


class DateInput(django_forms.DateInput):
    input_type = "date"


class OsiedleFilter(django_filters.FilterSet):
    district = django_filters.ChoiceFilter(label=_("district"), choices=District.choices)
    q = django_filters.CharFilter(label=_("name contains"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Osiedle
        fields = ["district", "q"]


class CentreFilter(django_filters.FilterSet):
    osiedle = django_filters.ModelChoiceFilter(
        label=_("osiedle"),
        queryset=Osiedle.objects.all(),
        to_field_name="slug",
        method="filter_osiedle",
        empty_label=_("all osiedla"),
    )
    district = django_filters.ChoiceFilter(
        label=_("district"),
        choices=District.choices,
        method="filter_district",
        empty_label=_("all districts"),
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=CentreStatus.choices, empty_label=_("all statuses")
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Centre
        fields = ["osiedle", "district", "status", "q"]

    def filter_osiedle(self, queryset: QuerySet[Centre], name: str, value: Osiedle) -> QuerySet[Centre]:
        # A centre is "in" an osiedle it is located in or serves.
        return queryset.filter(Q(primary_osiedle=value) | Q(served_osiedla=value)).distinct()

    def filter_district(self, queryset: QuerySet[Centre], name: str, value: str) -> QuerySet[Centre]:
        return queryset.filter(
            Q(primary_osiedle__district=value) | Q(served_osiedla__district=value)
        ).distinct()

    def filter_q(self, queryset: QuerySet[Centre], name: str, value: str) -> QuerySet[Centre]:
        return queryset.filter(
            Q(name__icontains=value) | Q(street_address__icontains=value) | Q(description__icontains=value)
        )


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=OrganizationKind.choices)
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)
    osiedle = django_filters.ModelChoiceFilter(
        label=_("osiedle"), queryset=Osiedle.objects.all(), to_field_name="slug"
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Organization
        fields = ["kind", "sector", "osiedle", "q"]

    def filter_q(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        digits = value.replace("-", "").replace(" ", "")
        return queryset.filter(Q(name__icontains=value) | Q(krs=digits) | Q(nip=digits) | Q(regon=digits))


class OperatorTermFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug"
    )
    organization = django_filters.NumberFilter(label=_("organisation"), field_name="organization_id")
    current = django_filters.BooleanFilter(label=_("current"), method="filter_current")

    class Meta:
        model = OperatorTerm
        fields = ["centre", "organization", "current"]

    def filter_current(
        self, queryset: QuerySet[OperatorTerm], name: str, value: bool
    ) -> QuerySet[OperatorTerm]:
        q = current_term_q()
        return queryset.filter(q) if value else queryset.exclude(q)


def _centres_in_osiedle(value: Osiedle) -> QuerySet[Centre, Any]:
    """Centres located in or serving an osiedle (a subquery: no duplicate rows)."""
    return Centre.objects.filter(Q(primary_osiedle=value) | Q(served_osiedla=value)).values("pk")


def _centres_in_district(value: str) -> QuerySet[Centre, Any]:
    return Centre.objects.filter(
        Q(primary_osiedle__district=value) | Q(served_osiedla__district=value)
    ).values("pk")


class _CentreRecordFilter(django_filters.FilterSet):
    """Filters every record of a centre has: the centre (by slug), its osiedle and district."""

    centre = django_filters.ModelChoiceFilter(
        label=_("centre"),
        queryset=Centre.objects.all(),
        to_field_name="slug",
        empty_label=_("all centres"),
    )
    osiedle = django_filters.ModelChoiceFilter(
        label=_("osiedle"),
        queryset=Osiedle.objects.all(),
        to_field_name="slug",
        method="filter_osiedle",
        empty_label=_("all osiedla"),
    )
    district = django_filters.ChoiceFilter(
        label=_("district"),
        choices=District.choices,
        method="filter_district",
        empty_label=_("all districts"),
    )

    def filter_osiedle(self, queryset: QuerySet[Any], name: str, value: Osiedle) -> QuerySet[Any]:
        return queryset.filter(centre__in=_centres_in_osiedle(value))

    def filter_district(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(centre__in=_centres_in_district(value))


class ResourceFilter(_CentreRecordFilter):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ResourceKind.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=ResourceCategory.choices)
    shareable = django_filters.BooleanFilter(label=_("shareable with other centres"))

    class Meta:
        model = Resource
        fields = ["centre", "osiedle", "district", "kind", "category", "shareable"]


class ActivityFilter(_CentreRecordFilter):
    method = django_filters.ChoiceFilter(
        label=_("CAL method"), choices=CalMethod.choices, empty_label=_("all methods")
    )
    form = django_filters.ChoiceFilter(
        label=_("form"), choices=ActivityForm.choices, empty_label=_("all forms")
    )
    effect = django_filters.ChoiceFilter(
        label=_("intended effect"),
        choices=Effect.choices,
        method="filter_effect",
        empty_label=_("all effects"),
    )
    date_from = django_filters.DateFilter(
        label=_("from"), field_name="start", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("until"), field_name="start", lookup_expr="date__lte", widget=DateInput
    )
    resident_initiated = django_filters.BooleanFilter(label=_("initiated by residents"))
    in_public_space = django_filters.BooleanFilter(label=_("in public space"))
    is_public = django_filters.BooleanFilter(label=_("public"))
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Activity
        fields = [
            "centre",
            "osiedle",
            "district",
            "method",
            "form",
            "effect",
            "date_from",
            "date_to",
            "resident_initiated",
            "in_public_space",
            "is_public",
            "q",
        ]

    def filter_effect(self, queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
        return queryset.filter(effects__contains=[value])

    def filter_q(self, queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
        return queryset.filter(
            Q(title__icontains=value) | Q(place__icontains=value) | Q(description__icontains=value)
        )


class VolunteerFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug"
    )
    is_leader = django_filters.BooleanFilter(label=_("local leader"))
    active = django_filters.BooleanFilter(label=_("active"))
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Volunteer
        fields = ["centre", "is_leader", "active", "q"]

    def filter_q(self, queryset: QuerySet[Volunteer], name: str, value: str) -> QuerySet[Volunteer]:
        return queryset.filter(Q(name__icontains=value) | Q(skills__icontains=value))


class GroupFilter(_CentreRecordFilter):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=GroupKind.choices)
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Group
        fields = ["centre", "osiedle", "district", "kind", "active"]


class ProjectFilter(_CentreRecordFilter):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=ProjectStatus.choices, empty_label=_("all statuses")
    )
    funder_kind = django_filters.ChoiceFilter(
        label=_("kind of funder"), choices=FunderKind.choices, empty_label=_("all kinds of funders")
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Project
        fields = ["centre", "osiedle", "district", "status", "funder_kind", "q"]

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return queryset.filter(
            Q(title__icontains=value) | Q(funder_name__icontains=value) | Q(summary__icontains=value)
        )


class ProjectIndicatorFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("project"), field_name="project_id")
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug", field_name="project__centre"
    )
    measure = django_filters.ChoiceFilter(label=_("measured as"), choices=IndicatorMeasure.choices)

    class Meta:
        model = ProjectIndicator
        fields = ["project", "centre", "measure"]
