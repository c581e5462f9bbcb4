"""The training pages as their users work with them: the network's programme pages (the
animator and city staff manage, the standing team reads without people, operators see
their own people), the operator workspace's enrolment page, the certificate PDF, and query
counts that do not grow with the rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from centres.models import Membership, MembershipRole
from network import services
from network.models import (
    TrainingAttendance,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingSession,
    TrainingSessionKind,
    TrainingTopic,
)
from tests.factories import UserFactory, VolunteerFactory
from tests.network.factories import days_ago, days_ahead
from tests.network.helpers import Network, make_network, organization_of
from tests.network.training_factories import (
    FinishedProgrammeFactory,
    TrainingAttendanceFactory,
    TrainingEnrolmentFactory,
    TrainingProgrammeFactory,
    TrainingSessionFactory,
    UpcomingProgrammeFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(operator_a, centre_a, operator_b, centre_b) -> Network:
    return make_network(operator_a, centre_a, operator_b, centre_b)


def client_for(user: Any) -> Client:
    """A signed-in browser that reads the pages in English (Polish is the default)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def _html(response: Any) -> str:
    return str(response.content.decode())


def _programme_with_people(net: Network) -> tuple[TrainingProgramme, TrainingEnrolment, TrainingEnrolment]:
    """A running programme of two past sessions (3 h and 2 h), with Anna of centre A and
    Bartek of centre B enrolled."""
    programme = TrainingProgrammeFactory(title="Szkoła animatorów", topic=TrainingTopic.ANIMATION)
    TrainingSessionFactory(programme=programme, starts_at=at(days_ago(20)), hours=Decimal("3.0"))
    TrainingSessionFactory(programme=programme, starts_at=at(days_ago(10)), hours=Decimal("2.0"))
    anna = TrainingEnrolmentFactory(
        programme=programme,
        centre=net.centre_a,
        volunteer=VolunteerFactory(centre=net.centre_a, name="Anna Nowak"),
    )
    bartek = TrainingEnrolmentFactory(
        programme=programme,
        centre=net.centre_b,
        volunteer=VolunteerFactory(centre=net.centre_b, name="Bartek Zieliński"),
    )
    return programme, anna, bartek


def _completed(animator: Any, programme: TrainingProgramme, *present: TrainingEnrolment) -> None:
    """Everyone in ``present`` attended every session (recorded by the animator)."""
    for session in programme.sessions.all():
        services.training_attendance_record(session=session, actor=animator, present=list(present))


# --- Who may open what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "network:training-list",
        "network:training-create",
        "network:training-detail",
        "network:training-edit",
        "network:training-delete",
        "network:training-session-create",
        "network:training-session-edit",
        "network:training-session-delete",
        "network:training-attendance",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, net, url_name):
    programme, _anna, _bartek = _programme_with_people(net)
    session = programme.sessions.first()
    kwargs: dict[str, int] = {}
    if url_name not in ("network:training-list", "network:training-create"):
        kwargs["trainingprogramme_pk"] = programme.pk
    if url_name in (
        "network:training-attendance",
        "network:training-session-edit",
        "network:training-session-delete",
    ):
        kwargs["trainingsession_pk"] = session.pk

    response = client.get(reverse(url_name, kwargs=kwargs))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_get_no_workspace_page_and_no_certificate(client, net, animator):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    for url in (
        reverse("network:workspace-trainings", args=[net.centre_a.slug]),
        reverse("network:training-certificate", args=[anna.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_programmes_with_their_figures_to_every_participant(
    animator, team_member, city_staff, operator_a, net
):
    programme, _anna, _bartek = _programme_with_people(net)
    programme.capacity = 12
    programme.save()

    for user in (animator, team_member, city_staff, operator_a):
        response = client_for(user).get(reverse("network:training-list"))
        assert response.status_code == 200
        rows = [
            (p.title, p.session_count, p.total_hours, p.enrolled_count)
            for p in response.context["programmes"]
        ]
        assert rows == [("Szkoła animatorów", 2, Decimal("5.0"), 2)]
        assert "2 / 12" in _html(response)
    assert "New programme" in _html(client_for(animator).get(reverse("network:training-list")))
    assert "New programme" not in _html(client_for(team_member).get(reverse("network:training-list")))


def test_a_signed_in_user_outside_the_network_is_refused(net):
    outsider = UserFactory(username="outsider")
    programme, _anna, _bartek = _programme_with_people(net)

    assert client_for(outsider).get(reverse("network:training-list")).status_code == 403
    assert (
        client_for(outsider).get(reverse("network:training-detail", args=[programme.pk])).status_code == 404
    )


def test_the_list_filters_by_topic_and_status(animator, net):
    TrainingProgrammeFactory(title="Animacja teraz", topic=TrainingTopic.ANIMATION)
    FinishedProgrammeFactory(title="Diagnoza dawniej", topic=TrainingTopic.DIAGNOSIS)
    UpcomingProgrammeFactory(title="Diagnoza wkrótce", topic=TrainingTopic.DIAGNOSIS)
    client = client_for(animator)

    def titles(query: str) -> list[str]:
        response = client.get(reverse("network:training-list") + query)
        return sorted(p.title for p in response.context["programmes"])

    assert titles("") == ["Animacja teraz", "Diagnoza dawniej", "Diagnoza wkrótce"]
    assert titles("?topic=diagnoza") == ["Diagnoza dawniej", "Diagnoza wkrótce"]
    assert titles("?status=finished") == ["Diagnoza dawniej"]
    assert titles("?status=upcoming&topic=diagnoza") == ["Diagnoza wkrótce"]
    assert titles("?status=running") == ["Animacja teraz"]


def test_the_animator_sees_sessions_and_everyone_enrolled_by_centre(animator, net):
    programme, anna, bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    response = client_for(animator).get(reverse("network:training-detail", args=[programme.pk]))

    assert response.status_code == 200
    assert [s.hours for s in response.context["sessions"]] == [Decimal("3.0"), Decimal("2.0")]
    people = [
        (centre.name, [(e.person_name, e.attended_hours, e.completed_on is not None) for e in enrolments])
        for centre, enrolments in response.context["people"]
    ]
    assert people == [
        ("CAL Gajowice", [("Bartek Zieliński", Decimal("0"), False)]),
        ("CAL Szczepin", [("Anna Nowak", Decimal("5.0"), True)]),
    ]
    page = _html(response)
    assert reverse("network:training-certificate", args=[anna.pk]) in page
    assert reverse("network:training-certificate", args=[bartek.pk]) not in page
    assert "5 / 5" in page
    assert reverse("network:training-session-create", args=[programme.pk]) in page


def test_the_standing_team_reads_the_programme_without_people(team_member, net):
    programme, _anna, _bartek = _programme_with_people(net)

    response = client_for(team_member).get(reverse("network:training-detail", args=[programme.pk]))

    assert response.status_code == 200
    assert response.context["show_people"] is False
    page = _html(response)
    assert "Anna Nowak" not in page
    assert "Bartek Zieliński" not in page
    assert "Anna Trenerska" in page  # the sessions' trainer
    assert reverse("network:training-edit", args=[programme.pk]) not in page


def test_an_operator_sees_only_their_centres_people(operator_a, net):
    programme, _anna, _bartek = _programme_with_people(net)

    response = client_for(operator_a).get(reverse("network:training-detail", args=[programme.pk]))

    assert response.status_code == 200
    assert [(c.name, [e.person_name for e in es]) for c, es in response.context["people"]] == [
        ("CAL Szczepin", ["Anna Nowak"])
    ]
    assert "Bartek Zieliński" not in _html(response)


@pytest.mark.parametrize("user_fixture", ["operator_a", "team_member"])
def test_only_the_animator_and_city_staff_manage_programmes(request, user_fixture, net):
    user = request.getfixturevalue(user_fixture)
    programme, _anna, _bartek = _programme_with_people(net)
    session = programme.sessions.first()
    client = client_for(user)

    for url in (
        reverse("network:training-create"),
        reverse("network:training-edit", args=[programme.pk]),
        reverse("network:training-delete", args=[programme.pk]),
        reverse("network:training-session-create", args=[programme.pk]),
        reverse("network:training-session-edit", args=[programme.pk, session.pk]),
        reverse("network:training-session-delete", args=[programme.pk, session.pk]),
        reverse("network:training-attendance", args=[programme.pk, session.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert TrainingProgramme.objects.count() == 1
    assert TrainingSession.objects.count() == 2


# --- Programmes and sessions ---------------------------------------------------------------


def test_the_animator_creates_a_programme_and_a_session(animator, net):
    client = client_for(animator)
    starts, ends = days_ahead(10), days_ahead(40)

    response = client.post(
        reverse("network:training-create"),
        {
            "title": "Diagnoza w praktyce",
            "description": "Warsztaty",
            "topic": TrainingTopic.DIAGNOSIS,
            "starts_on": starts.isoformat(),
            "ends_on": ends.isoformat(),
            "attendance_threshold": "75",
            "capacity": "",
        },
    )

    programme = TrainingProgramme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:training-detail", args=[programme.pk])
    assert (programme.title, programme.attendance_threshold, programme.capacity, programme.created_by) == (
        "Diagnoza w praktyce",
        75,
        None,
        animator,
    )
    form = client.get(reverse("network:training-session-create", args=[programme.pk])).context["form"]
    assert form.initial["topic"] == TrainingTopic.DIAGNOSIS

    response = client.post(
        reverse("network:training-session-create", args=[programme.pk]),
        {
            "topic": TrainingTopic.DIAGNOSIS,
            "kind": TrainingSessionKind.CONSULTATION,
            "starts_at": f"{starts.isoformat()}T17:00",
            "hours": "2.5",
            "trainer": "Ewa Badaczka",
            "place": "CAL Szczepin",
        },
    )

    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.programme, session.kind, session.hours, timezone.localtime(session.starts_at).hour) == (
        programme,
        TrainingSessionKind.CONSULTATION,
        Decimal("2.5"),
        17,
    )


def test_a_programme_ending_before_it_starts_is_a_field_error(animator, net):
    response = client_for(animator).post(
        reverse("network:training-create"),
        {
            "title": "Odwrotnie",
            "topic": TrainingTopic.ANIMATION,
            "starts_on": days_ahead(10).isoformat(),
            "ends_on": days_ahead(5).isoformat(),
            "attendance_threshold": "80",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"ends_on": ["The programme cannot end before it starts."]}
    assert "The programme cannot end before it starts." in _html(response)
    assert TrainingProgramme.objects.count() == 0


def test_a_session_outside_the_programme_dates_is_a_field_error(animator, net):
    programme = TrainingProgrammeFactory(starts_on=days_ahead(10), ends_on=days_ahead(20))

    response = client_for(animator).post(
        reverse("network:training-session-create", args=[programme.pk]),
        {
            "topic": TrainingTopic.ANIMATION,
            "kind": TrainingSessionKind.SESSION,
            "starts_at": f"{days_ahead(30).isoformat()}T10:00",
            "hours": "3",
            "trainer": "Anna",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["starts_at"]
    assert errors["starts_at"][0].startswith("The session must take place within the programme's dates")
    assert TrainingSession.objects.count() == 0


def test_a_stale_programme_edit_shows_what_was_saved_meanwhile(animator, net):
    programme = TrainingProgrammeFactory(title="Pierwszy tytuł")
    fields = {
        "title": "Mój tytuł",
        "description": programme.description,
        "topic": programme.topic,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "attendance_threshold": "80",
        "version": "1",
    }
    services.training_programme_update(
        programme=programme, actor=animator, expected_version=1, title="Tytuł kogoś innego"
    )

    response = client_for(animator).post(reverse("network:training-edit", args=[programme.pk]), fields)

    assert response.status_code == 200
    assert response.context["conflict"]["differences"] == [
        {"label": "Title", "saved": "Tytuł kogoś innego", "yours": "Mój tytuł"}
    ]
    programme.refresh_from_db()
    assert (programme.title, programme.version) == ("Tytuł kogoś innego", 2)

    response = client_for(animator).post(
        reverse("network:training-edit", args=[programme.pk]), {**fields, "version": "2"}
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.title, programme.version) == ("Mój tytuł", 3)


def test_the_animator_edits_and_deletes_a_session(animator, net):
    programme = TrainingProgrammeFactory()
    session = TrainingSessionFactory(programme=programme, starts_at=at(days_ago(5)), trainer="Stary trener")
    client = client_for(animator)

    response = client.post(
        reverse("network:training-session-edit", args=[programme.pk, session.pk]),
        {
            "topic": session.topic,
            "kind": session.kind,
            "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "hours": "4",
            "trainer": "Nowa trenerka",
            "place": "",
            "version": "1",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.trainer, session.hours) == ("Nowa trenerka", Decimal("4.0"))

    page = client.get(reverse("network:training-session-delete", args=[programme.pk, session.pk]))
    assert page.status_code == 200
    assert "Delete the session" in _html(page)
    response = client.post(
        reverse("network:training-session-delete", args=[programme.pk, session.pk]), {"version": "2"}
    )
    assert response.status_code == 302
    assert TrainingSession.objects.count() == 0


def test_a_session_of_another_programme_is_a_404(animator, net):
    programme = TrainingProgrammeFactory()
    other = TrainingSessionFactory()

    response = client_for(animator).get(
        reverse("network:training-session-edit", args=[programme.pk, other.pk])
    )

    assert response.status_code == 404


def test_a_programme_nobody_attended_is_deleted_after_confirmation(animator, net):
    programme, _anna, _bartek = _programme_with_people(net)
    client = client_for(animator)

    page = client.get(reverse("network:training-delete", args=[programme.pk]))
    assert page.status_code == 200
    assert "Delete the programme: Szkoła animatorów" in _html(page)

    response = client.post(reverse("network:training-delete", args=[programme.pk]), {"version": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("network:training-list")
    assert TrainingProgramme.objects.count() == 0
    assert TrainingEnrolment.objects.count() == 0


def test_a_programme_someone_attended_is_not_deleted(animator, net):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    response = client_for(animator).post(
        reverse("network:training-delete", args=[programme.pk]), {"version": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "People have attended this programme: it is part of their record and cannot be deleted."
    ]
    assert TrainingProgramme.objects.count() == 1


# --- Attendance ---------------------------------------------------------------------------


def test_the_attendance_form_lists_each_person_with_their_centre(animator, net):
    programme, anna, bartek = _programme_with_people(net)
    session = programme.sessions.order_by("starts_at").first()
    TrainingAttendanceFactory(enrolment=bartek, session=session, present=True)

    response = client_for(animator).get(
        reverse("network:training-attendance", args=[programme.pk, session.pk])
    )

    assert response.status_code == 200
    field = response.context["form"].fields["present"]
    assert list(field.choices) == [
        (bartek.pk, "Bartek Zieliński (CAL Gajowice)"),
        (anna.pk, "Anna Nowak (CAL Szczepin)"),
    ]
    assert response.context["form"].initial["present"] == [bartek.pk]
    page = _html(response)
    assert "<legend" in page
    assert '<label for="id_present_1">Anna Nowak (CAL Szczepin)</label>' in page


def test_the_animator_records_attendance_and_completion_follows(animator, net):
    programme, anna, bartek = _programme_with_people(net)
    client = client_for(animator)

    for session in programme.sessions.all():
        response = client.post(
            reverse("network:training-attendance", args=[programme.pk, session.pk]), {"present": [anna.pk]}
        )
        assert response.status_code == 302

    assert sorted(TrainingAttendance.objects.values_list("enrolment__volunteer__name", "present")) == [
        ("Anna Nowak", True),
        ("Anna Nowak", True),
        ("Bartek Zieliński", False),
        ("Bartek Zieliński", False),
    ]
    anna.refresh_from_db()
    bartek.refresh_from_db()
    assert (anna.completed_on, bartek.completed_on) == (days_ago(10), None)


def test_attendance_for_a_future_session_is_refused_with_a_message(animator, net):
    programme, anna, _bartek = _programme_with_people(net)
    future = TrainingSessionFactory(programme=programme, starts_at=at(days_ahead(5)))
    url = reverse("network:training-attendance", args=[programme.pk, future.pk])
    client = client_for(animator)

    page = client.get(url)
    assert page.status_code == 200
    assert "This session has not happened yet. Attendance can be recorded once it has started." in _html(page)
    assert "Save the attendance" not in _html(page)

    response = client.post(url, {"present": [anna.pk]})

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("This session has not happened yet (it starts on ")
    assert errors[0].endswith("): attendance is recorded once it has begun.")
    assert errors[0] in _html(response).replace("&#x27;", "'")
    assert TrainingAttendance.objects.count() == 0


def test_the_polish_page_shows_the_polish_labels(animator, net):
    programme, _anna, _bartek = _programme_with_people(net)
    client = Client()
    client.force_login(animator)

    response = client.get(reverse("network:training-detail", args=[programme.pk]))

    assert response.status_code == 200
    assert '<html lang="pl">' in _html(response)


# --- The certificate ------------------------------------------------------------------------


def _pdf_text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_centres_operator_downloads_the_certificate(animator, operator_a, net):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    response = client_for(operator_a).get(reverse("network:training-certificate", args=[anna.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="zaswiadczenie-szkola-animatorow-anna-nowak.pdf"'
    )
    text = _pdf_text(response)
    assert "Certificate of completion" in text
    assert "Anna Nowak" in text
    assert "Szkoła animatorów" in text
    assert "Attended 5 of the programme's 5 hours (at least 80% were required)." in " ".join(text.split())
    assert "Federacja Animatorów" in text


def test_the_animator_and_city_staff_download_it_too(animator, city_staff, net):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    for user in (animator, city_staff):
        response = client_for(user).get(reverse("network:training-certificate", args=[anna.pk]))
        assert response.status_code == 200
        assert "Anna Nowak" in _pdf_text(response)


def test_the_certificate_is_a_404_for_others_and_before_completion(
    animator, operator_b, team_member, net, operator_a
):
    programme, anna, bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    assert (
        client_for(operator_b).get(reverse("network:training-certificate", args=[anna.pk])).status_code == 404
    )
    assert (
        client_for(team_member).get(reverse("network:training-certificate", args=[anna.pk])).status_code
        == 404
    )
    # Bartek has not completed it: nobody gets a certificate for him.
    for user in (animator, operator_b):
        assert (
            client_for(user).get(reverse("network:training-certificate", args=[bartek.pk])).status_code == 404
        )


def test_the_certificate_is_polish_by_default(animator, operator_a, net):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)
    client = Client()  # no language chosen
    client.force_login(operator_a)

    response = client.get(reverse("network:training-certificate", args=[anna.pk]))

    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Anna Nowak" in text
    assert "Rodzaj" in text  # the sessions table's "Kind" column
    assert "Kind" not in text


# --- The operator workspace ------------------------------------------------------------------


def test_an_operator_sees_open_programmes_and_their_people(animator, operator_a, net):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)
    upcoming = UpcomingProgrammeFactory(title="Wolontariat od podstaw", capacity=10)
    FinishedProgrammeFactory(title="Dawny kurs")
    VolunteerFactory(centre=net.centre_a, name="Celina Aktywna")
    VolunteerFactory(centre=net.centre_a, name="Nieaktywny Ktoś", active=False)
    VolunteerFactory(centre=net.centre_b, name="Obca Wolontariuszka")
    coordinator = operator_a
    coordinator.first_name, coordinator.last_name = "Olga", "Koordynatorka"
    coordinator.save()

    response = client_for(operator_a).get(reverse("network:workspace-trainings", args=[net.centre_a.slug]))

    assert response.status_code == 200
    offers = {o.programme.title: o for o in response.context["offers"]}
    assert sorted(offers) == ["Szkoła animatorów", "Wolontariat od podstaw"]
    assert offers["Wolontariat od podstaw"].places_left == 10
    assert list(offers["Wolontariat od podstaw"].form.fields["person"].choices) == [
        ("", "— choose a person —"),
        (
            "Volunteers",
            [
                (f"volunteer-{anna.volunteer_id}", "Anna Nowak"),
                (_volunteer_value("Celina Aktywna"), "Celina Aktywna"),
            ],
        ),
        ("Staff", [(f"staff-{operator_a.pk}", "Olga Koordynatorka")]),
    ]
    # Anna is already in the running programme: she is not offered again.
    assert [label for _value, label in offers["Szkoła animatorów"].form.fields["person"].choices[1][1]] == [
        "Celina Aktywna"
    ]
    assert [(r["enrolment"].person_name, r["can_withdraw"]) for r in response.context["enrolments"]] == [
        ("Anna Nowak", False)
    ]
    page = _html(response)
    assert reverse("network:training-certificate", args=[anna.pk]) in page
    assert "Bartek Zieliński" not in page
    assert str(upcoming.pk) in page
    assert 'aria-current="page">Training</a>' in page


def _volunteer_value(name: str) -> str:
    from centres.models import Volunteer

    return f"volunteer-{Volunteer.objects.get(name=name).pk}"


def test_another_operators_centre_is_a_404(operator_b, net, animator):
    _programme, anna, _bartek = _programme_with_people(net)
    client = client_for(operator_b)

    assert client.get(reverse("network:workspace-trainings", args=[net.centre_a.slug])).status_code == 404
    response = client.post(reverse("network:workspace-training-withdraw", args=[net.centre_a.slug, anna.pk]))
    assert response.status_code == 404
    # ... nor through their own centre's address.
    response = client.post(reverse("network:workspace-training-withdraw", args=[net.centre_b.slug, anna.pk]))
    assert response.status_code == 404
    assert TrainingEnrolment.objects.filter(pk=anna.pk).exists()


def test_an_operator_enrols_a_volunteer_and_a_staff_member(operator_a, net):
    programme = UpcomingProgrammeFactory(title="Wolontariat od podstaw")
    celina = VolunteerFactory(centre=net.centre_a, name="Celina Aktywna")
    url = reverse("network:workspace-trainings", args=[net.centre_a.slug])
    client = client_for(operator_a)
    prefix = f"programme-{programme.pk}"

    response = client.post(url, {"programme": programme.pk, f"{prefix}-person": f"volunteer-{celina.pk}"})
    assert response.status_code == 302
    response = client.post(url, {"programme": programme.pk, f"{prefix}-person": f"staff-{operator_a.pk}"})
    assert response.status_code == 302

    assert sorted(
        (e.person_name, e.role, e.centre.slug, e.volunteer_id, e.staff_id)
        for e in TrainingEnrolment.objects.select_related("centre", "volunteer")
    ) == [
        ("Celina Aktywna", "wolontariusz", net.centre_a.slug, celina.pk, None),
        ("operator-a", "kadra", net.centre_a.slug, None, operator_a.pk),
    ]
    page = client.get(url)
    assert "Celina Aktywna has been enrolled in “Wolontariat od podstaw”." in _html(page)


def test_enrolling_in_a_full_programme_shows_the_reason(operator_a, net):
    programme = UpcomingProgrammeFactory(title="Mała grupa", capacity=1)
    TrainingEnrolmentFactory(programme=programme, centre=net.centre_b)
    celina = VolunteerFactory(centre=net.centre_a, name="Celina Aktywna")

    response = client_for(operator_a).post(
        reverse("network:workspace-trainings", args=[net.centre_a.slug]),
        {"programme": programme.pk, f"programme-{programme.pk}-person": f"volunteer-{celina.pk}"},
    )

    assert response.status_code == 200
    form = next(o.form for o in response.context["offers"] if o.programme == programme)
    assert form.non_field_errors() == ["All 1 places in this programme are taken."]
    assert "All 1 places in this programme are taken." in _html(response)
    assert TrainingEnrolment.objects.filter(programme=programme).count() == 1


def test_enrolling_in_a_finished_programme_shows_the_reason(operator_a, net):
    programme = FinishedProgrammeFactory(title="Dawny kurs")
    celina = VolunteerFactory(centre=net.centre_a, name="Celina Aktywna")
    url = reverse("network:workspace-trainings", args=[net.centre_a.slug])

    response = client_for(operator_a).post(
        url,
        {"programme": programme.pk, f"programme-{programme.pk}-person": f"volunteer-{celina.pk}"},
        follow=True,
    )

    assert response.redirect_chain == [(url, 302)]
    with translation.override("en"):
        ended = date_format(programme.ends_on, "DATE_FORMAT")
    assert f"The programme “Dawny kurs” ended on {ended}: nobody can enrol in it any more." in _html(response)
    assert TrainingEnrolment.objects.count() == 0


def test_a_person_not_offered_is_a_field_error(operator_a, net):
    programme = UpcomingProgrammeFactory()
    stranger = VolunteerFactory(centre=net.centre_b, name="Obca Wolontariuszka")

    response = client_for(operator_a).post(
        reverse("network:workspace-trainings", args=[net.centre_a.slug]),
        {"programme": programme.pk, f"programme-{programme.pk}-person": f"volunteer-{stranger.pk}"},
    )

    assert response.status_code == 200
    form = next(o.form for o in response.context["offers"] if o.programme == programme)
    assert list(form.errors) == ["person"]
    assert TrainingEnrolment.objects.count() == 0


def test_enrolling_nobody_is_a_field_error(operator_a, net):
    programme = UpcomingProgrammeFactory()
    VolunteerFactory(centre=net.centre_a, name="Celina Aktywna")

    response = client_for(operator_a).post(
        reverse("network:workspace-trainings", args=[net.centre_a.slug]),
        {"programme": programme.pk, f"programme-{programme.pk}-person": ""},
    )

    assert response.status_code == 200
    form = next(o.form for o in response.context["offers"] if o.programme == programme)
    assert form.errors == {"person": ["This field is required."]}
    assert TrainingEnrolment.objects.count() == 0


def test_a_programme_with_everyone_enrolled_offers_no_form(operator_a, net):
    programme = UpcomingProgrammeFactory(title="Wolontariat od podstaw")
    TrainingEnrolmentFactory(programme=programme, centre=net.centre_a)  # the only volunteer
    TrainingEnrolmentFactory(
        programme=programme, centre=net.centre_a, volunteer=None, staff=operator_a, name="operator-a"
    )

    response = client_for(operator_a).get(reverse("network:workspace-trainings", args=[net.centre_a.slug]))

    assert [o.form.has_people for o in response.context["offers"]] == [False]
    page = _html(response)
    assert "Everyone who may take part is already enrolled" in page
    assert f'name="programme-{programme.pk}-person"' not in page


def test_an_operator_withdraws_someone_who_has_not_attended(operator_a, net):
    programme = UpcomingProgrammeFactory(title="Wolontariat od podstaw")
    enrolment = TrainingEnrolmentFactory(programme=programme, centre=net.centre_a)
    url = reverse("network:workspace-training-withdraw", args=[net.centre_a.slug, enrolment.pk])
    client = client_for(operator_a)

    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)

    assert response.redirect_chain == [
        (reverse("network:workspace-trainings", args=[net.centre_a.slug]), 302)
    ]
    assert f"{enrolment.person_name} has been withdrawn from “Wolontariat od podstaw”." in _html(response)
    assert TrainingEnrolment.objects.count() == 0


def test_someone_who_attended_is_not_withdrawn(animator, operator_a, net):
    programme, anna, _bartek = _programme_with_people(net)
    _completed(animator, programme, anna)

    response = client_for(operator_a).post(
        reverse("network:workspace-training-withdraw", args=[net.centre_a.slug, anna.pk]), follow=True
    )

    assert response.status_code == 200
    assert (
        "Anna Nowak has attended this programme: the enrolment is part of their record and stays."
        in _html(response)
    )
    assert TrainingEnrolment.objects.filter(pk=anna.pk).exists()


def test_the_workspace_navigation_links_to_training(operator_a, net):
    response = client_for(operator_a).get(reverse("centres:workspace-centre-edit", args=[net.centre_a.slug]))

    assert reverse("network:workspace-trainings", args=[net.centre_a.slug]) in _html(response)


# --- Query counts ----------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _flat(client: Client, url: str, make: Callable[[int], None]) -> tuple[int, int]:
    make(2)
    two = _queries(client, url)
    make(18)
    return two, _queries(client, url)


def test_the_list_query_count_does_not_grow(animator, net):
    def make(n: int) -> None:
        for _i in range(n):
            programme = TrainingProgrammeFactory()
            TrainingSessionFactory(programme=programme)
            TrainingEnrolmentFactory(programme=programme, centre=net.centre_a)

    two, twenty = _flat(client_for(animator), reverse("network:training-list"), make)
    assert two == twenty


def test_the_detail_query_count_does_not_grow(animator, net):
    programme = TrainingProgrammeFactory()

    def make(n: int) -> None:
        for i in range(n):
            session = TrainingSessionFactory(programme=programme, starts_at=at(days_ago(1 + i % 20)))
            enrolment = TrainingEnrolmentFactory(
                programme=programme, centre=(net.centre_a, net.centre_b)[i % 2]
            )
            TrainingAttendanceFactory(enrolment=enrolment, session=session)

    two, twenty = _flat(client_for(animator), reverse("network:training-detail", args=[programme.pk]), make)
    assert two == twenty


def test_the_attendance_page_query_count_does_not_grow(animator, net):
    programme = TrainingProgrammeFactory()
    session = TrainingSessionFactory(programme=programme, starts_at=at(days_ago(1)))

    def make(n: int) -> None:
        for i in range(n):
            enrolment = TrainingEnrolmentFactory(
                programme=programme, centre=(net.centre_a, net.centre_b)[i % 2]
            )
            TrainingAttendanceFactory(enrolment=enrolment, session=session, present=bool(i % 2))

    url = reverse("network:training-attendance", args=[programme.pk, session.pk])
    two, twenty = _flat(client_for(animator), url, make)
    assert two == twenty


def test_the_workspace_query_count_does_not_grow(animator, operator_a, net):
    org = organization_of(operator_a)

    def make(n: int) -> None:
        for i in range(n):
            programme = TrainingProgrammeFactory() if i % 2 else UpcomingProgrammeFactory()
            TrainingSessionFactory(programme=programme)
            TrainingEnrolmentFactory(programme=programme, centre=net.centre_a)
            VolunteerFactory(centre=net.centre_a)
            Membership.objects.create(
                user=UserFactory(username=f"kadra-{Membership.objects.count()}"),
                organization=org,
                role=MembershipRole.ANIMATOR,
            )

    url = reverse("network:workspace-trainings", args=[net.centre_a.slug])
    two, twenty = _flat(client_for(operator_a), url, make)
    assert two == twenty


def test_the_certificate_query_count_does_not_grow(animator, operator_a, net):
    programme = TrainingProgrammeFactory()
    enrolment = TrainingEnrolmentFactory(programme=programme, centre=net.centre_a)

    def make(n: int) -> None:
        for i in range(n):
            session = TrainingSessionFactory(
                programme=programme, starts_at=at(days_ago(1)) + timedelta(minutes=i), hours=Decimal("1")
            )
            TrainingAttendanceFactory(enrolment=enrolment, session=session)
        TrainingEnrolment.objects.filter(pk=enrolment.pk).update(completed_on=days_ago(1))

    url = reverse("network:training-certificate", args=[enrolment.pk])
    two, twenty = _flat(client_for(operator_a), url, make)
    assert two == twenty
