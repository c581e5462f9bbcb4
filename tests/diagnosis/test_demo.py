"""Demo diagnoses: deterministic and idempotent, findings inside the centres' osiedla and
within the city, some answered by the demo activities, and the stale selector finds the
centre whose latest finished diagnosis is old."""

from __future__ import annotations

from collections import Counter

import pytest

from centres import demo as centres_demo
from centres.models import CITY_BOUNDS
from diagnosis import selectors
from diagnosis.demo import FINDINGS_PER_DIAGNOSIS, RUNNING_CENTRES, STALE_CENTRE, seed_diagnoses
from diagnosis.models import (
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingResponse,
    FindingStatus,
    ResidentSubmission,
    SubmissionStatus,
)

pytestmark = pytest.mark.django_db


def _network() -> centres_demo.DemoNetwork:
    return centres_demo.seed_centres_demo(scale=1)


def test_demo_diagnoses_are_complete_and_idempotent():
    network = _network()
    seed_diagnoses(network=network, scale=1)

    centres = len(network.centres)
    assert Diagnosis.objects.filter(status=DiagnosisStatus.PUBLISHED).count() == centres
    assert sorted(
        Diagnosis.objects.filter(status=DiagnosisStatus.RUNNING).values_list("centre__slug", flat=True)
    ) == sorted(RUNNING_CENTRES)
    assert (
        Finding.objects.filter(diagnosis__status=DiagnosisStatus.PUBLISHED).count()
        == centres * FINDINGS_PER_DIAGNOSIS
    )
    statuses = Counter(f.current_status for f in selectors.finding_list_public())
    assert statuses[FindingStatus.IN_PROGRESS] > 0
    assert statuses[FindingStatus.OPEN] > 0
    assert FindingResponse.objects.exclude(activity__centre=models_centre_of_finding()).count() == 0
    assert Counter(ResidentSubmission.objects.values_list("status", flat=True)) == {
        SubmissionStatus.PENDING: 2 * len(RUNNING_CENTRES),
        SubmissionStatus.ACCEPTED: len(RUNNING_CENTRES),
    }

    # Findings sit inside the city, in an osiedle the centre serves.
    for finding in Finding.objects.select_related("diagnosis__centre").exclude(latitude=None):
        assert CITY_BOUNDS["south"] <= finding.latitude <= CITY_BOUNDS["north"]
        assert CITY_BOUNDS["west"] <= finding.longitude <= CITY_BOUNDS["east"]
        assert finding.osiedle_id in set(finding.diagnosis.centre.served_osiedla.values_list("pk", flat=True))

    assert [c.slug for c in selectors.centre_list_stale_diagnosis()] == [STALE_CENTRE]

    # A second run finds everything and writes nothing.
    again = centres_demo.DemoNetwork(
        osiedla=network.osiedla, centres=network.centres, users=network.users, tally=centres_demo.Tally()
    )
    seed_diagnoses(network=again, scale=1)
    assert again.tally.changed == 0
    assert again.tally.get("findings", "unchanged") == Finding.objects.count() - len(RUNNING_CENTRES)


def models_centre_of_finding():
    from django.db.models import OuterRef, Subquery

    return Subquery(Finding.objects.filter(pk=OuterRef("finding_id")).values("diagnosis__centre_id")[:1])


def test_the_demo_needs_the_staff_account():
    network = centres_demo.seed_centres(scale=1)
    with pytest.raises(centres_demo.DemoSeedError):
        seed_diagnoses(network=network, scale=1)
