"""FilterSets shared by the API, the public directory and the selectors."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from centres.access import current_term_q
from centres.models import (
    Centre,
    CentreStatus,
    District,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Sector,
)


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
