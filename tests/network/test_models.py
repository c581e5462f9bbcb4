"""Model rules and database constraints of the network app."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from network.models import (
    Certification,
    CertificationStatus,
    NetworkMembership,
    SelfAssessment,
    certificate_valid_until,
    years_after,
)
from tests.factories import CentreFactory, OrganizationFactory
from tests.network.factories import NetworkMembershipFactory, SelfAssessmentFactory, days_ago

pytestmark = pytest.mark.django_db


def test_years_after_moves_29_february_to_28() -> None:
    assert years_after(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert certificate_valid_until(date(2025, 3, 1)) == date(2030, 3, 1)


def test_database_refuses_two_current_animators() -> None:
    NetworkMembershipFactory(is_animator=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkMembership.objects.create(
            organization=OrganizationFactory(), joined=days_ago(1), is_animator=True
        )


def test_animator_periods_may_follow_each_other() -> None:
    NetworkMembershipFactory(is_animator=True, joined=days_ago(800), left=days_ago(400))
    NetworkMembership.objects.create(
        organization=OrganizationFactory(), joined=days_ago(399), is_animator=True
    )
    assert NetworkMembership.objects.filter(is_animator=True).count() == 2


def test_full_clean_reports_a_second_animator_on_the_field(english: None) -> None:
    NetworkMembershipFactory(is_animator=True)
    second = NetworkMembership(organization=OrganizationFactory(), joined=days_ago(1), is_animator=True)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.message_dict == {
        "is_animator": [
            "The network already has an animator organisation in that period: "
            "end its animator membership first."
        ]
    }


def test_database_refuses_a_duplicate_self_assessment_year() -> None:
    first = SelfAssessmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfAssessment.objects.create(centre=first.centre, year=first.year)


def test_database_refuses_a_score_above_five() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfAssessment.objects.create(centre=CentreFactory(), year=2025, score_place=6)


def test_certification_valid_until_is_filled_from_granting() -> None:
    certification = Certification(
        centre=CentreFactory(),
        status=CertificationStatus.GRANTED,
        applied_on=date(2024, 1, 10),
        granted_on=date(2024, 3, 1),
    )
    certification.full_clean()
    assert certification.valid_until == date(2029, 3, 1)
