"""Delete the stale import previews: files uploaded for import and never confirmed.

An upload that previews without errors is kept (file and all, in `ImportBatch`) until its
uploader confirms it; one left unconfirmed is of no more use after `ImportBatch.PREVIEW_KEPT`
(a day). The uploader's next upload deletes theirs; this command deletes everyone's, so that
no file lingers in the database. Run it daily (see the README: a cron line or a systemd
timer). Imported batches stay: they are the record of who imported what, without the file.
Idempotent: a second run deletes nothing more.

    python manage.py purge_import_batches                  # older than a day
    python manage.py purge_import_batches --older-than 6   # older than 6 hours
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from activities.models import ImportBatch


class Command(BaseCommand):
    help = "Delete import previews never confirmed, uploaded more than --older-than hours ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=ImportBatch.PREVIEW_KEPT / datetime.timedelta(hours=1),
            metavar="HOURS",
            help="Delete previews uploaded more than this many hours ago (default: %(default)g,"
            " how long a preview is kept for its confirmation).",
        )

    def handle(self, *args, older_than, **options):
        if not 0 <= older_than < 24 * 365 * 100:
            raise CommandError(f"--older-than must be a number of hours, 0 or more: {older_than}")
        stale = ImportBatch.objects.stale(datetime.timedelta(hours=older_than))
        deleted, _ = stale.only("pk").delete()  # one DELETE; never the files read into memory
        self.stdout.write(
            f"Deleted {deleted} import preview{'' if deleted == 1 else 's'} older than "
            f"{older_than:g} hour{'' if older_than == 1 else 's'}."
        )
