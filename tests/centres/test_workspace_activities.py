"""The operator workspace's activity pages: list, record (once or a series), edit one
occurrence, delete; bad input, conflicts, access and query counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres import services
from centres.models import (
    Activity,
    ActivityForm,
    ActivitySeries,
    CalMethod,
    Effect,
    Organization,
    OrganizationKind,
    SeriesFrequency,
)
from tests import factories

pytestmark = pytest.mark.django_db

WARSAW = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Message texts in English, chosen the way a visitor does (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _list_url(centre) -> str:
    return f"/workspace/centres/{centre.slug}/activities/"


def _create_url(centre) -> str:
    return f"/workspace/centres/{centre.slug}/activities/new/"


def _edit_url(centre, pk) -> str:
    return f"/workspace/centres/{centre.slug}/activities/{pk}/"


def _delete_url(centre, pk) -> str:
    return f"/workspace/centres/{centre.slug}/activities/{pk}/delete/"


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=WARSAW)


def _data(**changes: Any) -> dict[str, Any]:
    """A valid POST of the activity form: a two-hour workshop, once."""
    data = {
        "title": "Warsztaty ceramiczne",
        "description": "Lepimy z gliny.",
        "start": "2027-03-10T17:00",
        "end": "2027-03-10T19:00",
        "method": CalMethod.ORGANISING,
        "form": ActivityForm.WORKSHOP,
        "place": "Sala główna",
        "in_public_space": "",
        "resident_initiated": "on",
        "participants_0_12": "3",
        "participants_13_17": "0",
        "participants_18_25": "1",
        "participants_26_59": "8",
        "participants_60_plus": "2",
        "volunteers_involved": "2",
        "volunteer_hours": "3.5",
        "effects": [Effect.RELATIONS, Effect.IDENTITY],
        "partners": [],
        "new_partner_name": "",
        "new_partner_kind": "",
        "is_public": "on",
        "frequency": "once",
        "until": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _edit_data(activity: Activity, **changes: Any) -> dict[str, Any]:
    """The edit form as it is shown for ``activity``, with ``changes``."""
    local_start = timezone.localtime(activity.start).strftime("%Y-%m-%dT%H:%M")
    local_end = timezone.localtime(activity.end).strftime("%Y-%m-%dT%H:%M")
    data = {
        "version": activity.version,
        "title": activity.title,
        "description": activity.description,
        "start": local_start,
        "end": local_end,
        "method": activity.method,
        "form": activity.form,
        "place": activity.place,
        "participants_0_12": activity.participants_0_12,
        "participants_13_17": activity.participants_13_17,
        "participants_18_25": activity.participants_18_25,
        "participants_26_59": activity.participants_26_59,
        "participants_60_plus": activity.participants_60_plus,
        "volunteers_involved": activity.volunteers_involved,
        "volunteer_hours": str(activity.volunteer_hours),
        "effects": list(activity.effects),
        "partners": [organization.pk for organization in activity.partners.all()],
        "new_partner_name": "",
        "new_partner_kind": "",
    }
    for flag in ("in_public_space", "resident_initiated", "is_public"):
        if getattr(activity, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def _fresh(user):
    """A fresh user object per request, as in production (access caches on it)."""
    return get_user_model().objects.get(pk=user.pk)


# --- recording an activity -----------------------------------------------------------------


def test_the_create_form_offers_every_field(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.get(_create_url(centre_a))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="datetime-local"' in content
    assert 'name="frequency"' in content
    assert '<select name="partners"' in content
    assert "Participants by age" in content
    assert "js/partner_picker.js" in content


def test_operator_records_one_activity(client, operator_a, centre_a):
    partner_1, partner_2 = (
        factories.OrganizationFactory(name="Szkoła 1"),
        factories.OrganizationFactory(name="Biblioteka Szczepin"),
    )
    client.force_login(operator_a)

    response = client.post(_create_url(centre_a), _data(partners=[partner_1.pk, partner_2.pk]), follow=True)

    assert response.redirect_chain == [(_list_url(centre_a), 302)]
    assert "The activity “Warsztaty ceramiczne” has been recorded." in response.content.decode()
    activity = Activity.objects.get()
    assert (activity.centre, activity.series, activity.version) == (centre_a, None, 1)
    assert (activity.start, activity.end) == (_local("2027-03-10T17:00"), _local("2027-03-10T19:00"))
    assert activity.start == datetime(2027, 3, 10, 16, 0, tzinfo=UTC)
    assert (activity.method, activity.form, activity.place) == (
        CalMethod.ORGANISING,
        ActivityForm.WORKSHOP,
        "Sala główna",
    )
    assert (activity.in_public_space, activity.resident_initiated, activity.is_public) == (False, True, True)
    assert activity.participants == 14
    assert (activity.volunteers_involved, activity.volunteer_hours) == (2, Decimal("3.5"))
    assert activity.effects == [Effect.RELATIONS, Effect.IDENTITY]
    assert set(activity.partners.all()) == {partner_1, partner_2}


def test_empty_counts_are_recorded_as_none(client, operator_a, centre_a):
    client.force_login(operator_a)
    empty = dict.fromkeys(
        (
            "participants_0_12",
            "participants_13_17",
            "participants_18_25",
            "participants_26_59",
            "participants_60_plus",
            "volunteers_involved",
            "volunteer_hours",
        ),
        "",
    )

    response = client.post(_create_url(centre_a), _data(**empty))

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.participants, activity.volunteers_involved, activity.volunteer_hours) == (0, 0, 0)


def test_operator_records_a_weekly_series_at_the_same_local_hour_across_the_dst_change(
    client, operator_a, centre_a
):
    partner = factories.OrganizationFactory()
    client.force_login(operator_a)

    # Summer time ends on 31 October 2027.
    response = client.post(
        _create_url(centre_a),
        _data(
            title="Klub planszówek",
            start="2027-10-19T18:00",
            end="2027-10-19T20:00",
            volunteer_hours="2",
            frequency=SeriesFrequency.WEEKLY,
            until="2027-11-09",
            partners=[partner.pk],
        ),
        follow=True,
    )

    assert response.redirect_chain == [(_list_url(centre_a), 302)]
    assert "A series of 4 activities “Klub planszówek” has been recorded." in response.content.decode()
    series = ActivitySeries.objects.get()
    assert (series.frequency, series.occurrences, series.until) == (
        SeriesFrequency.WEEKLY,
        4,
        date(2027, 11, 9),
    )
    activities = list(Activity.objects.filter(series=series).order_by("start"))
    assert [timezone.localtime(a.start).strftime("%Y-%m-%d %H:%M") for a in activities] == [
        "2027-10-19 18:00",
        "2027-10-26 18:00",
        "2027-11-02 18:00",
        "2027-11-09 18:00",
    ]
    assert [a.start.astimezone(UTC).hour for a in activities] == [16, 16, 17, 17]
    assert [a.end - a.start for a in activities] == [timedelta(hours=2)] * 4
    assert [list(a.partners.all()) for a in activities] == [[partner]] * 4


def test_a_monthly_series_from_the_31st_falls_on_the_last_day_of_shorter_months(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        _create_url(centre_a),
        _data(
            start="2027-01-31T10:00",
            end="2027-01-31T12:00",
            frequency=SeriesFrequency.MONTHLY,
            until="2027-05-31",
        ),
    )

    assert response.status_code == 302
    starts = [timezone.localtime(a.start).date() for a in Activity.objects.order_by("start")]
    assert starts == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert ActivitySeries.objects.get().occurrences == 5


def test_a_series_needs_an_end_date(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(_create_url(centre_a), _data(frequency=SeriesFrequency.WEEKLY, until=""))

    assert response.status_code == 200
    assert response.context["form"].errors == {"until": ["Choose the date the series ends."]}
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_a_series_of_201_occurrences_is_refused_whole(client, operator_a, centre_a):
    client.force_login(operator_a)
    first = date(2027, 1, 4)

    response = client.post(
        _create_url(centre_a),
        _data(
            start=f"{first}T17:00",
            end=f"{first}T19:00",
            frequency=SeriesFrequency.WEEKLY,
            until=str(first + timedelta(weeks=200)),
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "until": ["A series can have at most 200 occurrences: choose an earlier end date."]
    }
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_a_series_of_200_occurrences_is_accepted(client, operator_a, centre_a):
    client.force_login(operator_a)
    first = date(2027, 1, 4)

    response = client.post(
        _create_url(centre_a),
        _data(
            start=f"{first}T17:00",
            end=f"{first}T19:00",
            frequency=SeriesFrequency.WEEKLY,
            until=str(first + timedelta(weeks=199)),
        ),
    )

    assert response.status_code == 302
    assert (Activity.objects.count(), ActivitySeries.objects.get().occurrences) == (200, 200)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start": "2027-03-10T19:00", "end": "2027-03-10T17:00"},
            "end",
            "The end must be after the start.",
        ),
        (
            {"participants_0_12": "-1"},
            "participants_0_12",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"volunteers_involved": "-2"},
            "volunteers_involved",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"volunteers_involved": "2", "volunteer_hours": "4.5"},
            "volunteer_hours",
            "Volunteer hours cannot exceed the length of the activity times the number of volunteers "
            "(at most 4.0 h).",
        ),
        (
            {"volunteer_hours": "-1"},
            "volunteer_hours",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"partners": ["999999"]},
            "partners",
            "Select a valid choice. 999999 is not one of the available choices.",
        ),
        ({"title": ""}, "title", "This field is required."),
        (
            {"method": "unknown"},
            "method",
            "Select a valid choice. unknown is not one of the available choices.",
        ),
        ({"start": "yesterday"}, "start", "Enter a valid date/time."),
        (
            {"frequency": SeriesFrequency.WEEKLY, "until": "2027-03-01"},
            "until",
            "The series must end on or after the date of its first occurrence.",
        ),
        (
            {"new_partner_name": "Rada Osiedla Szczepin", "new_partner_kind": ""},
            "new_partner_kind",
            "Choose the kind of the new organisation.",
        ),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    client, operator_a, centre_a, changes, field, message
):
    client.force_login(operator_a)
    organizations = Organization.objects.count()

    response = client.post(_create_url(centre_a), _data(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert 'role="alert"' in response.content.decode()
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)
    assert Organization.objects.count() == organizations


def test_bad_input_in_a_series_saves_nothing(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        _create_url(centre_a),
        _data(volunteer_hours="10", frequency=SeriesFrequency.MONTHLY, until="2027-12-31"),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["volunteer_hours"]
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_a_new_partner_is_added_to_the_registry_on_the_spot(client, operator_a, centre_a):
    existing = factories.OrganizationFactory(name="Szkoła Podstawowa nr 1")
    client.force_login(operator_a)

    response = client.post(
        _create_url(centre_a),
        _data(
            partners=[existing.pk],
            new_partner_name="  Rada   Osiedla Szczepin ",
            new_partner_kind=OrganizationKind.COUNCIL,
        ),
    )

    assert response.status_code == 302
    added = Organization.objects.get(name="Rada Osiedla Szczepin")
    assert (added.kind, added.sector) == (OrganizationKind.COUNCIL, "publiczny")
    assert set(Activity.objects.get().partners.all()) == {existing, added}


def test_a_new_partner_added_to_a_series_partners_every_occurrence(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        _create_url(centre_a),
        _data(
            new_partner_name="Klub Seniora Gajowice",
            new_partner_kind=OrganizationKind.INFORMAL,
            frequency=SeriesFrequency.WEEKLY,
            until="2027-03-24",
        ),
    )

    assert response.status_code == 302
    added = Organization.objects.get(name="Klub Seniora Gajowice")
    assert [list(a.partners.all()) for a in Activity.objects.all()] == [[added]] * 3


def test_a_new_partner_with_the_name_of_a_registered_one_is_refused(client, operator_a, centre_a):
    factories.OrganizationFactory(name="Rada Osiedla Szczepin")
    client.force_login(operator_a)

    response = client.post(
        _create_url(centre_a),
        _data(new_partner_name="rada osiedla szczepin", new_partner_kind=OrganizationKind.COUNCIL),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_partner_name": [
            "“Rada Osiedla Szczepin” is already in the registry: pick it from the list of organisations."
        ]
    }
    assert (
        Activity.objects.count(),
        Organization.objects.filter(name__iexact="rada osiedla szczepin").count(),
    ) == (
        0,
        1,
    )


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_the_centres_activities_newest_first(client, operator_a, centre_a, centre_b):
    older = factories.ActivityFactory(
        centre=centre_a,
        title="Spacer badawczy",
        start=_local("2027-04-01T10:00"),
        end=_local("2027-04-01T12:00"),
        is_public=False,
        participants_26_59=5,
        participants_60_plus=2,
    )
    newer = factories.ActivityFactory(
        centre=centre_a,
        title="Piknik sąsiedzki",
        start=_local("2027-05-01T15:00"),
        end=_local("2027-05-01T18:00"),
    )
    factories.ActivityFactory(centre=centre_b, title="Cudze warsztaty")
    services.activity_series_create(
        centre=centre_a,
        actor=operator_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2027, 3, 8),
        title="Kawiarenka",
        start=_local("2027-03-01T09:00"),
        end=_local("2027-03-01T10:00"),
        method=CalMethod.COMMUNITY,
        form=ActivityForm.NEIGHBOURS_MEETING,
    )
    client.force_login(operator_a)

    response = client.get(_list_url(centre_a))

    assert response.status_code == 200
    titles = [a.title for a in response.context["page_obj"].object_list]
    assert titles == ["Piknik sąsiedzki", "Spacer badawczy", "Kawiarenka", "Kawiarenka"]
    content = response.content.decode()
    assert "Cudze warsztaty" not in content
    assert f'href="{_edit_url(centre_a, newer.pk)}"' in content
    assert f'href="{_delete_url(centre_a, older.pk)}"' in content
    assert "15:00–18:00" in content  # local time, Warsaw
    assert "series: every week" in content
    assert "Record an activity" in content
    assert f'href="{_create_url(centre_a)}"' in content
    row = content[content.index("Spacer badawczy") :].split("</tr>")[0]
    assert "<td>no</td>" in row
    assert '<td class="table__number">7</td>' in row


def test_the_list_filters(client, operator_a, centre_a):
    factories.ActivityFactory(
        centre=centre_a,
        title="Spacer badawczy",
        method=CalMethod.NEEDS,
        resident_initiated=True,
        start=_local("2027-04-01T10:00"),
        end=_local("2027-04-01T12:00"),
    )
    factories.ActivityFactory(
        centre=centre_a,
        title="Piknik",
        effects=[Effect.IDENTITY],
        form=ActivityForm.EVENT,
        start=_local("2027-05-01T10:00"),
        end=_local("2027-05-01T12:00"),
    )
    client.force_login(operator_a)

    def titles(query: str) -> list[str]:
        response = client.get(f"{_list_url(centre_a)}?{query}")
        assert response.status_code == 200
        return [a.title for a in response.context["page_obj"].object_list]

    assert titles("method=rozpoznawanie-potrzeb") == ["Spacer badawczy"]
    assert titles("form=wydarzenie") == ["Piknik"]
    assert titles("effect=tozsamosc") == ["Piknik"]
    assert titles("date_from=2027-04-15") == ["Piknik"]
    assert titles("date_to=2027-04-15") == ["Spacer badawczy"]
    assert titles("resident_initiated=true") == ["Spacer badawczy"]
    assert titles("q=piknik") == ["Piknik"]
    assert titles("q=nothing-like-it") == []
    # The page's centre wins over a centre given in the query.
    assert titles("centre=cal-gajowice") == ["Piknik", "Spacer badawczy"]
    form_fields = list(client.get(_list_url(centre_a)).context["filter_form"].fields)
    assert form_fields == ["method", "form", "effect", "date_from", "date_to", "resident_initiated", "q"]


def test_the_list_is_paginated_by_25(client, operator_a, centre_a):
    start = _local("2027-01-01T10:00")
    for day in range(27):
        factories.ActivityFactory(
            centre=centre_a,
            title=f"Dzień {day:02d}",
            start=start + timedelta(days=day),
            end=start + timedelta(days=day, hours=1),
        )
    client.force_login(operator_a)

    first = client.get(_list_url(centre_a))
    second = client.get(f"{_list_url(centre_a)}?page=2")

    assert [a.title for a in first.context["page_obj"].object_list][:2] == ["Dzień 26", "Dzień 25"]
    assert len(first.context["page_obj"].object_list) == 25
    assert [a.title for a in second.context["page_obj"].object_list] == ["Dzień 01", "Dzień 00"]
    assert 'href="?page=2"' in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()


def _list_queries(client, user, centre) -> int:
    client.force_login(_fresh(user))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_list_url(centre))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_makes_the_same_number_of_queries_for_2_and_20_activities(
    client, operator_a, centre_a, django_assert_num_queries
):
    partners = factories.OrganizationFactory.create_batch(3)
    series = services.activity_series_create(
        centre=centre_a,
        actor=operator_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2027, 3, 8),
        title="Kawiarenka",
        start=_local("2027-03-01T09:00"),
        end=_local("2027-03-01T10:00"),
        method=CalMethod.COMMUNITY,
        form=ActivityForm.NEIGHBOURS_MEETING,
        partners=partners,
    )
    assert series.occurrences == 2
    with_2 = _list_queries(client, operator_a, centre_a)
    factories.ActivityFactory.create_batch(18, centre=centre_a, partners=partners)

    client.force_login(_fresh(operator_a))
    with django_assert_num_queries(with_2):
        response = client.get(_list_url(centre_a))

    assert response.context["page_obj"].paginator.count == 20


# --- editing one occurrence ------------------------------------------------------------


def _series(centre, actor, **changes: Any) -> list[Activity]:
    fields = {
        "title": "Klub planszówek",
        "start": _local("2027-03-02T18:00"),
        "end": _local("2027-03-02T20:00"),
        "method": CalMethod.ORGANISING,
        "form": ActivityForm.WORKSHOP,
        "place": "Świetlica",
        **changes,
    }
    series = services.activity_series_create(
        centre=centre, actor=actor, frequency=SeriesFrequency.WEEKLY, until=date(2027, 3, 23), **fields
    )
    return list(series.activities.order_by("start"))


def test_the_edit_form_shows_the_activity_in_local_time_and_says_it_is_part_of_a_series(
    client, operator_a, centre_a
):
    partner = factories.OrganizationFactory(name="Biblioteka Szczepin")
    activities = _series(centre_a, operator_a, partners=[partner])
    client.force_login(operator_a)

    response = client.get(_edit_url(centre_a, activities[1].pk))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["version"] == 1
    assert form.initial["partners"] == [partner.pk]
    content = response.content.decode()
    assert 'value="2027-03-09T18:00"' in content
    assert "This activity is one occurrence of a series repeated every week (4 occurrences" in content
    assert "Changes made here apply to this occurrence only" in content
    assert 'name="frequency"' not in content
    assert f'<option value="{partner.pk}" selected>Biblioteka Szczepin</option>' in content


def test_the_edit_form_in_polish_keeps_machine_readable_values(client, settings, operator_a, centre_a):
    activity = factories.ActivityFactory(
        centre=centre_a,
        start=_local("2027-03-10T17:00"),
        end=_local("2027-03-10T19:30"),
        volunteers_involved=2,
        volunteer_hours=Decimal("4.5"),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    client.force_login(operator_a)

    response = client.get(_edit_url(centre_a, activity.pk))

    content = response.content.decode()
    assert '<html lang="pl">' in content
    assert 'value="2027-03-10T17:00"' in content
    assert 'value="2027-03-10T19:30"' in content
    assert 'name="volunteer_hours" value="4.5"' in content
    # Posted back unchanged, it saves as it was.
    assert client.post(_edit_url(centre_a, activity.pk), _edit_data(activity)).status_code == 302
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.start, saved.end, saved.volunteer_hours, saved.version) == (
        activity.start,
        activity.end,
        Decimal("4.5"),
        2,
    )


def test_editing_one_occurrence_leaves_the_others_unchanged(client, operator_a, centre_a):
    activities = _series(centre_a, operator_a)
    second = activities[1]
    client.force_login(operator_a)

    response = client.post(
        _edit_url(centre_a, second.pk),
        _edit_data(second, title="Klub planszówek: turniej", place="Park Staszica", end="2027-03-09T21:00"),
        follow=True,
    )

    assert response.redirect_chain == [(_list_url(centre_a), 302)]
    assert "The activity “Klub planszówek: turniej” has been saved." in response.content.decode()
    after = list(Activity.objects.order_by("start"))
    assert [(a.title, a.place, a.version) for a in after] == [
        ("Klub planszówek", "Świetlica", 1),
        ("Klub planszówek: turniej", "Park Staszica", 2),
        ("Klub planszówek", "Świetlica", 1),
        ("Klub planszówek", "Świetlica", 1),
    ]
    assert after[1].end == _local("2027-03-09T21:00")
    assert after[1].series_id == after[0].series_id


def test_editing_changes_partners_and_adds_a_new_one(client, operator_a, centre_a):
    kept, dropped = factories.OrganizationFactory(), factories.OrganizationFactory()
    activity = factories.ActivityFactory(centre=centre_a, partners=[kept, dropped])
    client.force_login(operator_a)

    response = client.post(
        _edit_url(centre_a, activity.pk),
        _edit_data(
            activity,
            partners=[kept.pk],
            new_partner_name="Kawiarnia Pod Mostem",
            new_partner_kind=OrganizationKind.BUSINESS,
        ),
    )

    assert response.status_code == 302
    added = Organization.objects.get(name="Kawiarnia Pod Mostem")
    assert set(Activity.objects.get(pk=activity.pk).partners.all()) == {kept, added}


def test_bad_input_on_edit_is_a_field_error_and_nothing_is_saved(client, operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)
    client.force_login(operator_a)

    response = client.post(
        _edit_url(centre_a, activity.pk), _edit_data(activity, title="Nowy", volunteer_hours="100")
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["volunteer_hours"]
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.version) == (activity.title, 1)


def test_the_second_of_two_concurrent_edits_gets_the_conflict_and_the_first_change_stays(
    client, operator_a, centre_a, city_staff
):
    activity = factories.ActivityFactory(centre=centre_a, title="Warsztaty", place="Sala główna")
    colleague = factories.UserFactory()
    factories.MembershipFactory(user=colleague, organization=centre_a.terms.get().organization)
    # Two people open the form at version 1.
    client.force_login(operator_a)
    first_form = client.get(_edit_url(centre_a, activity.pk)).context["form"]
    client.force_login(colleague)
    second_form = client.get(_edit_url(centre_a, activity.pk)).context["form"]
    assert first_form.initial["version"] == second_form.initial["version"] == 1

    # The first saves.
    client.force_login(operator_a)
    first = client.post(_edit_url(centre_a, activity.pk), _edit_data(activity, place="Park Staszica"))
    assert first.status_code == 302

    # The second saves on top of version 1.
    client.force_login(colleague)
    second = client.post(_edit_url(centre_a, activity.pk), _edit_data(activity, title="Warsztaty plastyczne"))

    assert second.status_code == 200
    form = second.context["form"]
    assert [error.code for error in form.non_field_errors().as_data()] == ["conflict"]
    assert "while you were editing it" in form.non_field_errors()[0]
    content = second.content.decode()
    assert '<div class="form-errors" role="alert" id="form-errors">' in content
    # Their own input is kept ...
    assert 'value="Warsztaty plastyczne"' in content
    # ... and the page shows what is saved now, field by field, and links to it.
    conflict = second.context["conflict"]
    assert conflict["differences"] == [
        {"label": "Title", "saved": "Warsztaty", "yours": "Warsztaty plastyczne"},
        {"label": "Place", "saved": "Park Staszica", "yours": "Sala główna"},
    ]
    assert "Saved meanwhile by someone else" in content
    assert f'href="{_edit_url(centre_a, activity.pk)}" target="_blank"' in content
    # The first change stays.
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.place, saved.version) == ("Warsztaty", "Park Staszica", 2)
    # Having seen both, saving again replaces the saved values with theirs.
    assert '<input type="hidden" name="version" value="2"' in content
    again = client.post(
        _edit_url(centre_a, activity.pk),
        _edit_data(saved, title="Warsztaty plastyczne", place="Park Staszica"),
    )
    assert again.status_code == 302
    assert Activity.objects.get(pk=activity.pk).title == "Warsztaty plastyczne"


def test_the_conflict_compares_partners_effects_and_times(client, operator_a, centre_a):
    library, school = (
        factories.OrganizationFactory(name="Biblioteka"),
        factories.OrganizationFactory(name="Szkoła"),
    )
    activity = factories.ActivityFactory(
        centre=centre_a,
        partners=[library],
        effects=[Effect.RELATIONS],
        start=_local("2027-03-10T17:00"),
        end=_local("2027-03-10T19:00"),
    )
    read = _edit_data(activity)
    services.activity_update(
        activity=activity,
        actor=operator_a,
        expected_version=1,
        partners=[library, school],
        effects=[Effect.IDENTITY, Effect.RELATIONS],
        start=_local("2027-03-10T18:00"),
        end=_local("2027-03-10T20:00"),
    )
    client.force_login(operator_a)

    response = client.post(_edit_url(centre_a, activity.pk), {**read, "participants_60_plus": "4"})

    assert response.status_code == 200
    assert response.context["conflict"]["differences"] == [
        {"label": "Start", "saved": "March 10, 2027, 6 p.m.", "yours": "March 10, 2027, 5 p.m."},
        {"label": "End", "saved": "March 10, 2027, 8 p.m.", "yours": "March 10, 2027, 7 p.m."},
        {"label": "Participants aged 60+", "saved": "0", "yours": "4"},
        {"label": "Intended effects", "saved": "local identity, relations", "yours": "relations"},
        {"label": "Partner organisations", "saved": "Biblioteka, Szkoła", "yours": "Biblioteka"},
    ]
    assert Activity.objects.get(pk=activity.pk).participants_60_plus == 0


def test_editing_an_activity_deleted_meanwhile_is_a_404(client, operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)
    read = _edit_data(activity)
    services.activity_delete(activity=activity, actor=operator_a, expected_version=1)
    client.force_login(operator_a)

    assert client.post(_edit_url(centre_a, activity.pk), read).status_code == 404


def _edit_queries(client, user, centre, activity) -> int:
    client.force_login(_fresh(user))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_edit_url(centre, activity.pk))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_edit_form_makes_the_same_number_of_queries_for_2_and_20_partners(
    client, operator_a, centre_a, django_assert_num_queries
):
    two = factories.OrganizationFactory.create_batch(2)
    activity = factories.ActivityFactory(centre=centre_a, partners=two)
    # The registry holds the operator's organisation too: 3, then 21.
    with_2 = _edit_queries(client, operator_a, centre_a, activity)
    more = factories.OrganizationFactory.create_batch(18)
    services.activity_update(activity=activity, actor=operator_a, expected_version=1, partners=[*two, *more])

    client.force_login(_fresh(operator_a))
    with django_assert_num_queries(with_2):
        response = client.get(_edit_url(centre_a, activity.pk))

    assert len(response.context["form"].initial["partners"]) == 20
    assert len(response.context["form"].fields["partners"].choices) == 21


def test_the_create_form_makes_the_same_number_of_queries_for_2_and_20_organisations(
    client, operator_a, centre_a, django_assert_num_queries
):
    factories.OrganizationFactory.create_batch(1)
    client.force_login(_fresh(operator_a))
    with CaptureQueriesContext(connection) as ctx:
        client.get(_create_url(centre_a))
    factories.OrganizationFactory.create_batch(18)

    client.force_login(_fresh(operator_a))
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(_create_url(centre_a))

    assert len(response.context["form"].fields["partners"].choices) == 20


# --- deleting ---------------------------------------------------------------------------


def test_the_delete_page_asks_for_confirmation(client, operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a, title="Piknik")
    client.force_login(operator_a)

    response = client.get(_delete_url(centre_a, activity.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Delete activity: Piknik" in content
    assert '<input type="hidden" name="version" value="1"' in content
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_operator_deletes_one_occurrence(client, operator_a, centre_a):
    activities = _series(centre_a, operator_a)
    client.force_login(operator_a)

    response = client.post(_delete_url(centre_a, activities[0].pk), {"version": 1}, follow=True)

    assert response.redirect_chain == [(_list_url(centre_a), 302)]
    assert "The activity “Klub planszówek” has been deleted." in response.content.decode()
    assert list(Activity.objects.order_by("start")) == activities[1:]


def test_deleting_a_changed_activity_is_refused_and_shows_the_current_version(client, operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a, title="Piknik")
    services.activity_update(activity=activity, actor=operator_a, expected_version=1, title="Piknik rodzinny")
    client.force_login(operator_a)

    response = client.post(_delete_url(centre_a, activity.pk), {"version": 1})

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert [error.code for error in errors.as_data()] == ["conflict"]
    assert "while you were editing it" in errors[0]
    content = response.content.decode()
    assert "Piknik rodzinny" in content
    assert '<input type="hidden" name="version" value="2"' in content
    assert Activity.objects.get(pk=activity.pk).version == 2
    # Confirming again, at the version shown, deletes it.
    assert client.post(_delete_url(centre_a, activity.pk), {"version": 2}).status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


# --- access --------------------------------------------------------------------------------


def _urls(centre, activity) -> list[str]:
    return [
        _list_url(centre),
        _create_url(centre),
        _edit_url(centre, activity.pk),
        _delete_url(centre, activity.pk),
    ]


def test_another_operator_gets_404_on_every_page_and_changes_nothing(
    client, operator_a, centre_a, operator_b, centre_b
):
    activity = factories.ActivityFactory(centre=centre_a, title="Warsztaty")
    client.force_login(operator_b)
    foreign = [
        *_urls(centre_a, activity),
        # Their own centre's slug with another centre's activity.
        _edit_url(centre_b, activity.pk),
        _delete_url(centre_b, activity.pk),
    ]

    for url in foreign:
        assert client.get(url).status_code == 404, url
    for url in foreign[1:]:
        assert (
            client.post(url, {**_edit_data(activity, title="Przejęte"), "version": 1}).status_code == 404
        ), url

    assert client.get(_list_url(centre_b)).status_code == 200
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.version, Activity.objects.count()) == ("Warsztaty", 1, 1)


def test_anonymous_visitors_are_sent_to_log_in(client, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)

    for url in _urls(centre_a, activity):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}"), url
        assert client.post(url, {"version": 1}).status_code == 302, url

    assert Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.parametrize("role", ["animator", "team_member"])
def test_network_roles_are_not_operators_and_get_404(client, request, centre_a, role):
    user = request.getfixturevalue(role)
    activity = factories.ActivityFactory(centre=centre_a)
    client.force_login(user)

    for url in _urls(centre_a, activity):
        assert client.get(url).status_code == 404, url
    for url in _urls(centre_a, activity)[1:]:
        assert client.post(url, {"version": 1}).status_code == 404, url

    assert Activity.objects.filter(pk=activity.pk).exists()


def test_city_staff_open_every_page(client, city_staff, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)
    client.force_login(city_staff)

    for url in _urls(centre_a, activity):
        assert client.get(url).status_code == 200, url


def test_an_operator_whose_term_ended_gets_404(client, operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)
    start, end = factories.past_term_dates()
    centre_a.terms.update(start=start, end=end)
    client.force_login(operator_a)

    for url in _urls(centre_a, activity):
        assert client.get(url).status_code == 404, url
