"""FilterSets of partnerships, shared by the API, the workspace and the selectors."""

from __future__ import annotations

import django_filters
from django import forms as django_forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, District, OrganizationKind, Osiedle
from partnerships.models import (
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipMode,
    Phase,
)


class DateInput(django_forms.DateInput):
    input_type = "date"


def current_member_q(on: object = None, prefix: str = "") -> Q:
    """Members on ``on`` (today by default): joined by then and not yet left."""
    day = on or timezone.localdate()
    return Q(**{f"{prefix}joined__lte": day}) & (
        Q(**{f"{prefix}left__isnull": True}) | Q(**{f"{prefix}left__gt": day})
    )


class PartnershipFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"),
        queryset=Centre.objects.all(),
        to_field_name="slug",
        field_name="lead_centre",
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
    phase = django_filters.ChoiceFilter(label=_("phase"), choices=Phase.choices, empty_label=_("all phases"))
    mode = django_filters.ChoiceFilter(
        label=_("role of the centre"), choices=PartnershipMode.choices, empty_label=_("all")
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Partnership
        fields = ["centre", "osiedle", "district", "phase", "mode", "q"]

    def filter_osiedle(
        self, queryset: QuerySet[Partnership], name: str, value: Osiedle
    ) -> QuerySet[Partnership]:
        return queryset.filter(pk__in=Partnership.objects.filter(osiedla=value).values("pk"))

    def filter_district(
        self, queryset: QuerySet[Partnership], name: str, value: str
    ) -> QuerySet[Partnership]:
        return queryset.filter(pk__in=Partnership.objects.filter(osiedla__district=value).values("pk"))

    def filter_q(self, queryset: QuerySet[Partnership], name: str, value: str) -> QuerySet[Partnership]:
        return queryset.filter(Q(name__icontains=value) | Q(goals__icontains=value))


class PartnershipMemberFilter(django_filters.FilterSet):
    partnership = django_filters.NumberFilter(label=_("partnership"), field_name="partnership_id")
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"),
        queryset=Centre.objects.all(),
        to_field_name="slug",
        field_name="partnership__lead_centre",
    )
    organization = django_filters.NumberFilter(label=_("organisation"), field_name="organization_id")
    kind = django_filters.ChoiceFilter(
        label=_("kind of organisation"), choices=OrganizationKind.choices, field_name="organization__kind"
    )
    current = django_filters.BooleanFilter(label=_("current"), method="filter_current")

    class Meta:
        model = PartnershipMember
        fields = ["partnership", "centre", "organization", "kind", "current"]

    def filter_current(
        self, queryset: QuerySet[PartnershipMember], name: str, value: bool
    ) -> QuerySet[PartnershipMember]:
        q = current_member_q()
        return queryset.filter(q) if value else queryset.exclude(q)


class PartnershipMeetingFilter(django_filters.FilterSet):
    partnership = django_filters.NumberFilter(label=_("partnership"), field_name="partnership_id")
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"),
        queryset=Centre.objects.all(),
        to_field_name="slug",
        field_name="partnership__lead_centre",
    )
    date_from = django_filters.DateFilter(
        label=_("from"), field_name="date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("until"), field_name="date", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = PartnershipMeeting
        fields = ["partnership", "centre", "date_from", "date_to"]


class CoverageFilter(django_filters.FilterSet):
    """Which osiedla the coverage is computed for."""

    district = django_filters.ChoiceFilter(label=_("district"), choices=District.choices)
    osiedle = django_filters.CharFilter(label=_("osiedle (slug)"), field_name="slug")

    class Meta:
        model = Osiedle
        fields = ["district", "osiedle"]
