"""Documents get an unguessable verification code (issue 17 point 6): added empty, filled for the documents
already issued (their printed QR codes still carry the old number, which no longer verifies: docs/security.md),
then made unique."""

import secrets

from django.db import migrations, models

import yijianshi.core.verification


def fill_codes(apps, schema_editor):
    Document = apps.get_model("cases", "Document")
    for pk in Document.objects.filter(verification_code__isnull=True).values_list("pk", flat=True).iterator():
        Document.objects.filter(pk=pk).update(verification_code=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_material_provided_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="verification_code",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="verification_code",
            field=models.CharField(
                default=yijianshi.core.verification.new_code, editable=False, max_length=32, unique=True
            ),
        ),
    ]
