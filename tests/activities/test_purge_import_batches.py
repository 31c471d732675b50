"""`manage.py purge_import_batches`: the previews never confirmed, older than a day (or than
--older-than hours), are deleted with their files; fresh previews and imported batches stay."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import ImportBatch
from tests.factories import UserFactory, csv_file, import_row


def batch(age_hours, status=ImportBatch.Status.PREVIEWED, user=None):
    created = ImportBatch.objects.create(
        filename=f"{status}-{age_hours}h.csv",
        content=b"title,countries\nA,TON\n",
        sha256="0" * 64,
        uploaded_by=user or UserFactory(),
        status=status,
    )
    ImportBatch.objects.filter(pk=created.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=age_hours)
    )
    return created


def purge(*args):
    out = io.StringIO()
    call_command("purge_import_batches", *args, stdout=out)
    return out.getvalue()


def names():
    return sorted(ImportBatch.objects.values_list("filename", flat=True))


@pytest.fixture
def batches(db):
    return [
        batch(25),
        batch(24 * 30),
        batch(23),
        batch(2),
        batch(24 * 30, ImportBatch.Status.IMPORTED),
    ]


def test_it_deletes_the_previews_older_than_a_day_only(batches):
    assert purge() == "Deleted 2 import previews older than 24 hours.\n"
    assert names() == ["imported-720h.csv", "previewed-23h.csv", "previewed-2h.csv"]


def test_it_is_idempotent(batches):
    purge()
    assert purge() == "Deleted 0 import previews older than 24 hours.\n"
    assert len(names()) == 3


def test_older_than_sets_the_age_in_hours(batches):
    assert purge("--older-than", "3") == "Deleted 3 import previews older than 3 hours.\n"
    assert names() == ["imported-720h.csv", "previewed-2h.csv"]


def test_an_upload_deletes_its_uploaders_stale_previews_by_the_same_rule(client, asp_editor):
    mine, fresh, others = batch(25, user=asp_editor), batch(23, user=asp_editor), batch(25)
    client.force_login(asp_editor)
    client.post(
        reverse("activities:activity_import"),
        {"file": SimpleUploadedFile("a.csv", csv_file([import_row()]))},
    )
    remaining = set(ImportBatch.objects.values_list("pk", flat=True))
    assert mine.pk not in remaining
    assert {fresh.pk, others.pk} < remaining


@pytest.mark.parametrize("hours", ["-1", "nan", "inf"])
def test_a_wrong_age_is_refused_and_nothing_deleted(batches, hours):
    with pytest.raises(CommandError, match="--older-than must be a number of hours"):
        purge("--older-than", hours)
    assert len(names()) == 5
