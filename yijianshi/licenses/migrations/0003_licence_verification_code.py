"""Licences get an unguessable verification code (issue 17 point 6): added empty, filled for the licences
already issued, then made unique. The code is not part of what is signed, so no signature changes."""

import secrets

from django.db import migrations, models

import yijianshi.core.verification


def fill_codes(apps, schema_editor):
    License = apps.get_model("licenses", "License")
    for pk in License.objects.filter(verification_code__isnull=True).values_list("pk", flat=True).iterator():
        License.objects.filter(pk=pk).update(verification_code=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0002_licence_applicant"),
    ]

    operations = [
        migrations.AddField(
            model_name="license",
            name="verification_code",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="核验码"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="license",
            name="verification_code",
            field=models.CharField(
                default=yijianshi.core.verification.new_code,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="核验码",
            ),
        ),
    ]
