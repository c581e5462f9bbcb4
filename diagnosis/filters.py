"""FilterSets shared by the API, the maps, the workspace lists and the selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, District, Osiedle
from diagnosis.models import (
    PRIORITY_MAX,
    PRIORITY_MIN,
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    FindingStatus,
    ResidentSubmission,
    SubmissionStatus,
    Theme,
)


def answered_q() -> Exists:
    """A finding that at least one activity answers."""
    return Exists(FindingResponse.objects.filter(finding=OuterRef("pk")))


def current_status_q(value: str) -> Q:
    """Findings whose current status is ``value`` ("in progress" follows from the activities)."""
    if value == FindingStatus.IN_PROGRESS:
        return Q(status=FindingStatus.OPEN) & Q(answered_q())
    if value == FindingStatus.OPEN:
        return Q(status=FindingStatus.OPEN) & ~Q(answered_q())
    return Q(status=value)


class DiagnosisFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug", empty_label=_("all centres")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=DiagnosisStatus.choices, empty_label=_("all statuses")
    )
    osiedle = django_filters.ModelChoiceFilter(
        label=_("osiedle"),
        queryset=Osiedle.objects.all(),
        to_field_name="slug",
        method="filter_osiedle",
        empty_label=_("all osiedla"),
    )
    submissions_open = django_filters.BooleanFilter(label=_("residents' input open"))

    class Meta:
        model = Diagnosis
        fields = ["centre", "status", "osiedle", "submissions_open"]

    def filter_osiedle(self, queryset: QuerySet[Diagnosis], name: str, value: Osiedle) -> QuerySet[Diagnosis]:
        return queryset.filter(pk__in=Diagnosis.objects.filter(osiedla=value).values("pk"))


class FindingFilter(django_filters.FilterSet):
    """The filters of the map of needs and resources: what (kind, theme), how it stands
    (status) and where (centre, osiedle, district)."""

    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=FindingKind.choices, empty_label=_("all kinds")
    )
    theme = django_filters.ChoiceFilter(label=_("theme"), choices=Theme.choices, empty_label=_("all themes"))
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=FindingStatus.choices,
        method="filter_status",
        empty_label=_("all statuses"),
    )
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"),
        queryset=Centre.objects.all(),
        to_field_name="slug",
        field_name="diagnosis__centre",
        empty_label=_("all centres"),
    )
    diagnosis = django_filters.NumberFilter(label=_("diagnosis"), field_name="diagnosis_id")
    osiedle = django_filters.ModelChoiceFilter(
        label=_("osiedle"), queryset=Osiedle.objects.all(), to_field_name="slug", empty_label=_("all osiedla")
    )
    district = django_filters.ChoiceFilter(
        label=_("district"),
        choices=District.choices,
        field_name="osiedle__district",
        empty_label=_("all districts"),
    )
    priority_min = django_filters.NumberFilter(
        label=_("priority at least"),
        field_name="priority",
        lookup_expr="gte",
        min_value=PRIORITY_MIN,
        max_value=PRIORITY_MAX,
    )
    answered = django_filters.BooleanFilter(label=_("answered by an activity"), method="filter_answered")
    located = django_filters.BooleanFilter(label=_("placed on the map"), method="filter_located")
    q = django_filters.CharFilter(label=_("search"), method="filter_q")

    class Meta:
        model = Finding
        fields = [
            "kind",
            "theme",
            "status",
            "centre",
            "diagnosis",
            "osiedle",
            "district",
            "priority_min",
            "answered",
            "located",
            "q",
        ]

    def filter_status(self, queryset: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        return queryset.filter(current_status_q(value))

    def filter_answered(self, queryset: QuerySet[Finding], name: str, value: bool) -> QuerySet[Finding]:
        return queryset.filter(answered_q()) if value else queryset.exclude(answered_q())

    def filter_located(self, queryset: QuerySet[Finding], name: str, value: bool) -> QuerySet[Finding]:
        return queryset.filter(latitude__isnull=not value)

    def filter_q(self, queryset: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ResidentSubmissionFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug", field_name="diagnosis__centre"
    )
    diagnosis = django_filters.NumberFilter(label=_("diagnosis"), field_name="diagnosis_id")
    status = django_filters.ChoiceFilter(label=_("status"), choices=SubmissionStatus.choices)
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=[(k.value, k.label) for k in FindingKind if k != FindingKind.PROBLEM]
    )

    class Meta:
        model = ResidentSubmission
        fields = ["centre", "diagnosis", "status", "kind"]


def filtered(filterset: type[Any], filters: dict[str, Any] | None, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Apply a FilterSet of this module; invalid filter values filter nothing."""
    result: QuerySet[Any] = filterset(filters or {}, queryset=qs).qs
    return result
