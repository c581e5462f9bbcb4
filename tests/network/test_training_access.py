"""Who sees and does what in the training: network.permissions decides, the API and the
selectors ask it. Another operator's enrolment is a 404; the standing team sees programmes
but not people; anonymous requests are 401."""

from __future__ import annotations

import pytest
from django.http import Http404
from rest_framework.test import APIClient

from network import permissions, selectors
from tests.factories import MembershipFactory, UserFactory, VolunteerFactory
from tests.network.training_factories import (
    FinishedProgrammeFactory,
    TrainingEnrolmentFactory,
    TrainingProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "url", ["/api/v1/trainings/", "/api/v1/training-enrolments/", "/api/v1/stats/trained-by-topic/"]
)
def test_anonymous_requests_are_401(url):
    assert api().get(url).status_code == 401


def test_operator_b_does_not_see_operator_a_enrolments(operator_a, centre_a, operator_b, centre_b):
    programme = TrainingProgrammeFactory()
    theirs = TrainingEnrolmentFactory(programme=programme, centre=centre_a, volunteer__name="Ala z Szczepina")
    mine = TrainingEnrolmentFactory(programme=programme, centre=centre_b, volunteer__name="Ewa z Gajowic")

    listed = api(operator_b).get("/api/v1/training-enrolments/").json()["results"]

    assert [row["name"] for row in listed] == ["Ewa z Gajowic"]
    assert api(operator_b).get(f"/api/v1/training-enrolments/{theirs.pk}/").status_code == 404
    assert api(operator_b).delete(f"/api/v1/training-enrolments/{theirs.pk}/").status_code == 404
    assert api(operator_b).get(f"/api/v1/training-enrolments/{mine.pk}/").status_code == 200
    with pytest.raises(Http404):
        selectors.training_enrolment_get(user=operator_b, pk=theirs.pk)


def test_the_animator_and_city_staff_see_every_enrolment(animator, city_staff, centre_a, centre_b):
    TrainingEnrolmentFactory(centre=centre_a)
    TrainingEnrolmentFactory(centre=centre_b)
    for user in (animator, city_staff):
        assert api(user).get("/api/v1/training-enrolments/").json()["count"] == 2


def test_the_team_sees_programmes_but_not_people(team_member, centre_a):
    enrolment = TrainingEnrolmentFactory(centre=centre_a)

    assert api(team_member).get("/api/v1/trainings/").json()["count"] == 1
    assert api(team_member).get("/api/v1/training-enrolments/").json()["count"] == 0
    assert api(team_member).get(f"/api/v1/training-enrolments/{enrolment.pk}/").status_code == 404


def test_a_signed_in_user_of_no_role_sees_nothing():
    stranger = UserFactory(username="stranger")
    programme = TrainingProgrammeFactory()
    TrainingEnrolmentFactory(programme=programme)

    assert api(stranger).get("/api/v1/trainings/").json()["count"] == 0
    assert api(stranger).get(f"/api/v1/trainings/{programme.pk}/").status_code == 404
    assert api(stranger).get("/api/v1/training-enrolments/").json()["count"] == 0


def test_who_manages_and_who_enrols(animator, city_staff, team_member, operator_a, centre_a, centre_b):
    assert [permissions.can_manage_training(u) for u in (animator, city_staff, team_member, operator_a)] == [
        True,
        True,
        False,
        False,
    ]
    assert permissions.can_enrol(operator_a, centre_a) is True
    assert permissions.can_enrol(operator_a, centre_b) is False
    assert permissions.can_enrol(city_staff, centre_b) is True
    assert permissions.can_enrol(animator, centre_a) is False


def test_certificates_only_when_completed_and_for_the_right_people(
    animator, city_staff, team_member, operator_a, operator_b, centre_a
):
    enrolment = TrainingEnrolmentFactory(programme=FinishedProgrammeFactory(), centre=centre_a)
    assert not permissions.can_download_certificate(operator_a, enrolment)

    enrolment.completed_on = enrolment.programme.ends_on
    allowed = {
        user.username: permissions.can_download_certificate(user, enrolment)
        for user in (animator, city_staff, team_member, operator_a, operator_b)
    }

    assert allowed == {
        "animator": True,
        "staff": True,
        "team": False,
        "operator-a": True,
        "operator-b": False,
    }


def test_candidates_are_active_volunteers_and_the_operator_staff(operator_a, operator_b, centre_a, centre_b):
    active = VolunteerFactory(centre=centre_a, name="Aktywna")
    VolunteerFactory(centre=centre_a, name="Nieaktywna", active=False)
    VolunteerFactory(centre=centre_b, name="Z Gajowic")
    colleague = UserFactory(username="kolega")
    MembershipFactory(user=colleague, organization=centre_a.terms.get().organization)
    UserFactory(username="obcy")
    programme = TrainingProgrammeFactory()
    TrainingEnrolmentFactory(programme=programme, centre=centre_a, volunteer=active)

    candidates = selectors.training_candidates(centre=centre_a)
    for_programme = selectors.training_candidates(centre=centre_a, programme=programme)

    assert [v.name for v in candidates.volunteers] == ["Aktywna"]
    assert sorted(u.username for u in candidates.staff) == ["kolega", "operator-a"]
    assert list(for_programme.volunteers) == []
    assert sorted(u.username for u in for_programme.staff) == ["kolega", "operator-a"]
