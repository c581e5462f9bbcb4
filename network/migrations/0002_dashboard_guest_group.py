"""The group through which city staff open the network dashboard to other users
(centres.access.DASHBOARD_GUEST_GROUP), so that they can pick it in the admin."""

from django.db import migrations

# A copy of centres.access.DASHBOARD_GUEST_GROUP: a migration does not import app code.
DASHBOARD_GUEST_GROUP = "dashboard-guests"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=DASHBOARD_GUEST_GROUP)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=DASHBOARD_GUEST_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("network", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
