"""The whole demo network: the centres' part, then each app above it, in one transaction.

It lives in the top app because only this layer may call every other app's seeder.
"""

from __future__ import annotations

from django.db import transaction

from centres.demo import DEFAULT_PASSWORD, DemoNetwork, seed_centres_demo
from diagnosis.demo import seed_diagnoses
from network.demo_network import seed_network
from partnerships.demo import seed_partnerships


@transaction.atomic
def seed_demo(*, scale: int = 1, password: str = DEFAULT_PASSWORD) -> DemoNetwork:
    """The whole demo, all or nothing; idempotent like each part."""
    network = seed_centres_demo(scale=scale, password=password)
    seed_partnerships(network=network, scale=scale)
    seed_diagnoses(network=network, scale=scale)
    seed_network(network=network, scale=scale)
    return network
