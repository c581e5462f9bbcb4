"""The 48 osiedla of Wrocław (uchwała XX/110/91, boundaries XX/419/16) and the role groups.

Another city replaces centres/data/wroclaw_osiedla.csv with its own list before the
first migrate, or loads its osiedla in the admin.
"""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "wroclaw_osiedla.csv"

DISTRICTS = {
    "Stare Miasto": "stare-miasto",
    "Śródmieście": "srodmiescie",
    "Krzyki": "krzyki",
    "Fabryczna": "fabryczna",
    "Psie Pole": "psie-pole",
}
ROLE_GROUPS = ("city", "network-animator", "standing-team")


def _rows():
    with DATA.open(encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def load(apps, schema_editor):
    Osiedle = apps.get_model("centres", "Osiedle")
    for row in _rows():
        Osiedle.objects.update_or_create(
            slug=slugify(row["name"].replace("ł", "l").replace("Ł", "L")),
            defaults={"name": row["name"], "district": DISTRICTS[row["former_district"]]},
        )
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def unload(apps, schema_editor):
    Osiedle = apps.get_model("centres", "Osiedle")
    names = [row["name"] for row in _rows()]
    Osiedle.objects.filter(name__in=names).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, unload)]
