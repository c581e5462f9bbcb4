"""Shared set-up of the network's tests: the operators' organisations as members of the
network and an animator organisation (fixtures of tests/conftest.py give the users)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from centres.models import Centre, Organization
from tests.factories import OrganizationFactory
from tests.network.factories import NetworkMembershipFactory


@dataclass
class Network:
    animator_org: Organization
    org_a: Organization
    org_b: Organization
    centre_a: Centre
    centre_b: Centre


def organization_of(user: Any) -> Organization:
    organization: Organization = user.memberships.get().organization
    return organization


def make_network(operator_a: Any, centre_a: Centre, operator_b: Any, centre_b: Centre) -> Network:
    animator_org = OrganizationFactory(name="Federacja Animatorów")
    NetworkMembershipFactory(organization=animator_org, is_animator=True)
    org_a, org_b = organization_of(operator_a), organization_of(operator_b)
    NetworkMembershipFactory(organization=org_a)
    NetworkMembershipFactory(organization=org_b)
    return Network(animator_org, org_a, org_b, centre_a, centre_b)
