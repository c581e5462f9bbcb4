"""FilterSets of the network's records, shared by the API, the pages and the selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.filters import DateInput
from centres.models import CalMethod, Centre, Effect
from network.models import (
    Adoption,
    Certification,
    CertificationStatus,
    Consultation,
    ConsultationResponse,
    FollowUp,
    FollowUpStatus,
    GoodPractice,
    MeetingKind,
    NetworkMeeting,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingRole,
    TrainingTopic,
)


class PracticeFilter(django_filters.FilterSet):
    """The public list and the managers' list: text search, CAL method and effect."""

    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    method = django_filters.ChoiceFilter(
        label=_("CAL method"), choices=CalMethod.choices, empty_label=_("all methods")
    )
    effect = django_filters.ChoiceFilter(
        label=_("effect"), choices=Effect.choices, method="filter_effect", empty_label=_("all effects")
    )
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug", empty_label=_("all centres")
    )

    class Meta:
        model = GoodPractice
        fields = ["q", "method", "effect", "centre"]

    def filter_q(self, queryset: QuerySet[GoodPractice], name: str, value: str) -> QuerySet[GoodPractice]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(description__icontains=value)
            | Q(centre__name__icontains=value)
        )

    def filter_effect(
        self, queryset: QuerySet[GoodPractice], name: str, value: str
    ) -> QuerySet[GoodPractice]:
        return queryset.filter(effects__contains=[value])


class PracticeManageFilter(PracticeFilter):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=PracticeStatus.choices, empty_label=_("all statuses")
    )

    class Meta:
        model = GoodPractice
        fields = ["q", "method", "effect", "centre", "status"]


class AdoptionFilter(django_filters.FilterSet):
    practice = django_filters.NumberFilter(label=_("good practice"), field_name="practice_id")
    centre = django_filters.ModelChoiceFilter(
        label=_("adopting centre"), queryset=Centre.objects.all(), to_field_name="slug"
    )

    class Meta:
        model = Adoption
        fields = ["practice", "centre"]


class MembershipFilter(django_filters.FilterSet):
    current = django_filters.BooleanFilter(label=_("current"), method="filter_current")
    is_animator = django_filters.BooleanFilter(label=_("network animator"))

    class Meta:
        model = NetworkMembership
        fields = ["current", "is_animator"]

    def filter_current(
        self, queryset: QuerySet[NetworkMembership], name: str, value: bool
    ) -> QuerySet[NetworkMembership]:
        today = timezone.localdate()
        current = Q(joined__lte=today) & (Q(left__isnull=True) | Q(left__gte=today))
        return queryset.filter(current) if value else queryset.exclude(current)


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=MeetingKind.choices, empty_label=_("all kinds")
    )
    date_from = django_filters.DateFilter(
        label=_("from"), field_name="date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("until"), field_name="date", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = NetworkMeeting
        fields = ["kind", "date_from", "date_to"]


class FollowUpFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=FollowUpStatus.choices, empty_label=_("all statuses")
    )
    meeting = django_filters.NumberFilter(label=_("meeting"), field_name="meeting_id")
    assignee = django_filters.NumberFilter(label=_("assigned to"), field_name="assignee_id")
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")

    class Meta:
        model = FollowUp
        fields = ["status", "meeting", "assignee", "overdue"]

    def filter_overdue(self, queryset: QuerySet[FollowUp], name: str, value: bool) -> QuerySet[FollowUp]:
        overdue = Q(due__lt=timezone.localdate()) & ~Q(status=FollowUpStatus.DONE)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ConsultationFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(label=_("open now"), method="filter_open")

    class Meta:
        model = Consultation
        fields = ["open"]

    def filter_open(self, queryset: QuerySet[Consultation], name: str, value: bool) -> QuerySet[Consultation]:
        today = timezone.localdate()
        is_open = Q(opens__lte=today, closes__gte=today)
        return queryset.filter(is_open) if value else queryset.exclude(is_open)


class ConsultationResponseFilter(django_filters.FilterSet):
    consultation = django_filters.NumberFilter(label=_("consultation"), field_name="consultation_id")
    organization = django_filters.NumberFilter(label=_("organisation"), field_name="organization_id")

    class Meta:
        model = ConsultationResponse
        fields = ["consultation", "organization"]


class CertificationFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug"
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=CertificationStatus.choices)
    valid_until_before = django_filters.DateFilter(
        label=_("valid until (at the latest)"), field_name="valid_until", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Certification
        fields = ["centre", "status", "valid_until_before"]


class SelfAssessmentFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug"
    )
    year = django_filters.NumberFilter(label=_("year"))
    submitted = django_filters.BooleanFilter(label=_("submitted"))

    class Meta:
        model = SelfAssessment
        fields = ["centre", "year", "submitted"]


TRAINING_STATUS_CHOICES = (
    ("upcoming", _("upcoming")),
    ("running", pgettext_lazy("training programme", "running")),
    ("finished", pgettext_lazy("training programme", "finished")),
)


class TrainingProgrammeFilter(django_filters.FilterSet):
    """Programmes by topic and by where they stand today (upcoming, running, finished)."""

    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    topic = django_filters.ChoiceFilter(
        label=_("topic"), choices=TrainingTopic.choices, empty_label=_("all topics")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=TRAINING_STATUS_CHOICES, method="filter_status", empty_label=_("all")
    )

    class Meta:
        model = TrainingProgramme
        fields = ["q", "topic", "status"]

    def filter_q(
        self, queryset: QuerySet[TrainingProgramme], name: str, value: str
    ) -> QuerySet[TrainingProgramme]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_status(
        self, queryset: QuerySet[TrainingProgramme], name: str, value: str
    ) -> QuerySet[TrainingProgramme]:
        today = timezone.localdate()
        if value == "upcoming":
            return queryset.filter(starts_on__gt=today)
        if value == "running":
            return queryset.filter(starts_on__lte=today, ends_on__gte=today)
        if value == "finished":
            return queryset.filter(ends_on__lt=today)
        return queryset


class TrainingEnrolmentFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(label=_("training programme"), field_name="programme_id")
    centre = django_filters.ModelChoiceFilter(
        label=_("centre"), queryset=Centre.objects.all(), to_field_name="slug", empty_label=_("all centres")
    )
    role = django_filters.ChoiceFilter(label=_("role"), choices=TrainingRole.choices, empty_label=_("all"))
    completed = django_filters.BooleanFilter(
        label=_("completed"), field_name="completed_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = TrainingEnrolment
        fields = ["programme", "centre", "role", "completed"]


def apply(filterset: type[Any], queryset: QuerySet[Any], filters: Any) -> QuerySet[Any]:
    """``queryset`` narrowed by ``filters``; invalid filters are ignored (a page shows the
    form's errors, the API validates before it asks)."""
    if not filters:
        return queryset
    filtered = filterset(filters, queryset=queryset)
    if filtered.is_valid():
        result: QuerySet[Any] = filtered.qs
        return result
    return queryset
