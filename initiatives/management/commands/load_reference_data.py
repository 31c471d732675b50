"""Load or update the reference data (regions, countries and designations, action plans,
initiatives, expected results, target groups) from fixtures/.

Idempotent: a row that already matches its fixture is left alone, so running it twice changes
nothing the second time. A row that an administrator corrected in the admin (say, a country's
LDC graduation date) is kept and reported, unless --update asks to overwrite it with the
fixture. Rows are saved through the models, so their history records the change.
"""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

REFERENCE_FIXTURES = ["regions.json", "countries.json", "wtdc25.json", "target_groups.json"]
CHANGE_REASON = "load_reference_data"


def differs_from_database(obj):
    """Whether `obj` (deserialized, its pk found by natural key) differs from its stored row."""
    model = type(obj)
    stored = model._base_manager.filter(pk=obj.pk).values(
        *[f.attname for f in model._meta.concrete_fields]
    )
    if not stored:
        return True
    stored = stored[0]
    return any(
        f.to_python(getattr(obj, f.attname)) != stored[f.attname]
        for f in model._meta.concrete_fields
    )


class Command(BaseCommand):
    help = "Load or update the reference data from fixtures/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite rows that differ from the fixtures (corrections made in the admin).",
        )

    def handle(self, *args, update, **options):
        counts = Counter()
        fixtures_dir = Path(settings.BASE_DIR) / "fixtures"
        with transaction.atomic():
            for name in REFERENCE_FIXTURES:
                with (fixtures_dir / name).open(encoding="utf-8") as stream:
                    # Lazily: each row is saved before the next one is read, so a designation
                    # finds the country that the same file created just before it.
                    for deserialized in serializers.deserialize("json", stream):
                        obj = deserialized.object
                        label = obj._meta.verbose_name_plural
                        if obj.pk is None:
                            counts[(label, "created")] += 1
                        elif differs_from_database(obj):
                            if not update:
                                counts[(label, "kept as corrected")] += 1
                                self.stdout.write(f"Kept, differs from the fixture: {obj}")
                                continue
                            counts[(label, "updated")] += 1
                        else:
                            counts[(label, "unchanged")] += 1
                            continue
                        obj._change_reason = CHANGE_REASON
                        obj.save()
        for (label, outcome), number in sorted(counts.items()):
            self.stdout.write(f"{label}: {number} {outcome}")
        changed = sum(n for (_, outcome), n in counts.items() if outcome in ("created", "updated"))
        self.stdout.write(
            self.style.SUCCESS(f"Reference data loaded: {changed} rows created or updated.")
        )
