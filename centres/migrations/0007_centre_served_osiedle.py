"""The many-to-many table of the osiedla a centre serves becomes a named model (state only:
the table, its columns and its unique constraint stay as they are), so that it can be audited."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0006_projects"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CentreServedOsiedle",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "centre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="centres.centre",
                                verbose_name="centre",
                            ),
                        ),
                        (
                            "osiedle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="centres.osiedle",
                                verbose_name="osiedle",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "served osiedle",
                        "verbose_name_plural": "served osiedla",
                        "db_table": "centres_centre_served_osiedla",
                        "unique_together": {("centre", "osiedle")},
                    },
                ),
                migrations.AlterField(
                    model_name="centre",
                    name="served_osiedla",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="served_by_centres",
                        through="centres.CentreServedOsiedle",
                        to="centres.osiedle",
                        verbose_name="served osiedla",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
