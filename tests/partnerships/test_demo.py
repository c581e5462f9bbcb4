"""The demo partnerships: seeded on the demo network, deterministic and idempotent."""

import pytest
from django.utils import timezone

from centres.demo import seed_centres
from partnerships import selectors
from partnerships.demo import seed_partnerships
from partnerships.models import (
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    Phase,
    PhaseChange,
    Priority,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        "partnerships": Partnership.objects.count(),
        "members": PartnershipMember.objects.count(),
        "meetings": PartnershipMeeting.objects.count(),
        "phase changes": PhaseChange.objects.count(),
        "priorities": Priority.objects.count(),
    }


# Six designed partnerships and a small one for each of the two other centres.
SCALE_1 = {"partnerships": 8, "members": 25, "meetings": 10, "phase changes": 19, "priorities": 4}


def test_the_demo_partnerships_are_seeded_once():
    network = seed_centres(scale=1)

    first = seed_partnerships(network=network, scale=1)
    assert counts() == SCALE_1

    again = seed_centres(scale=1)
    second = seed_partnerships(network=again, scale=1)

    assert counts() == SCALE_1
    assert [p.pk for p in second] == [p.pk for p in first]
    assert {
        kind: again.tally.get(kind, "created") + again.tally.get(kind, "updated")
        for kind in ("partnerships", "partnership members", "partnership meetings", "partnership priorities")
    } == {"partnerships": 0, "partnership members": 0, "partnership meetings": 0, "partnership priorities": 0}


def test_the_demo_shows_each_kind_of_partnership():
    network = seed_centres(scale=1)
    seed_partnerships(network=network, scale=1)

    szczepin = Partnership.objects.get(lead_centre__slug="cal-szczepin")
    assert (szczepin.name, szczepin.phase, szczepin.mode) == (
        "Partnerstwo dla Szczepina",
        Phase.NORMING,
        "prowadzi",
    )
    assert (
        szczepin.members.filter(left__isnull=False).count() == 1
    )  # a member who left: the timeline shows it
    assert Partnership.objects.get(lead_centre__slug="cal-gajowice").mode == "dolacza"
    assert Partnership.objects.get(lead_centre__slug="cal-zacisze-zalesie-szczytniki").phase == Phase.ENDED
    assert [p.lead_centre.slug for p in selectors.partnership_list_stale()] == ["cal-wojszyce"]
    latest = PartnershipMeeting.objects.filter(partnership=szczepin).order_by("-date").first()
    assert (timezone.localdate() - latest.date).days == 12


def test_every_centre_of_a_scaled_network_gets_a_partnership():
    network = seed_centres(scale=2)

    seed_partnerships(network=network, scale=2)

    assert Partnership.objects.count() == 8 + 8
    small = PartnershipMember.objects.filter(partnership__name__startswith="Partnerstwo lokalne — ")
    assert small.count() == (2 + 8) * 3
