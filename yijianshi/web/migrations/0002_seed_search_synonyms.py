"""Seed the search synonyms from yijianshi/web/synonyms.yaml (the file stays the seed: a new database starts
from it; afterwards an administrator edits them in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    from yijianshi.web.search import load_synonyms

    SearchSynonym = apps.get_model("web", "SearchSynonym")
    existing = set(SearchSynonym.objects.values_list("term", flat=True))
    SearchSynonym.objects.bulk_create(
        SearchSynonym(term=term, means="、".join(official))
        for term, official in load_synonyms().items()
        if term not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
