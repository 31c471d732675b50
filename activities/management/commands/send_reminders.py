"""Send the e-mail reminders due today (activities/reminders.py): to editors, their activities
with no progress report for the quarter closed REMINDER_DAYS_AFTER_QUARTER days ago; to
reviewers, the reports of their regions waiting more than REVIEW_REMINDER_DAYS days. Run it
daily (see the README, "Reminders": a cron line or a systemd timer). Each reminder goes once:
a second run the same day, or two runs at once, send nothing again.

    python manage.py send_reminders                      # today
    python manage.py send_reminders --dry-run            # who would be told what; sends nothing
    python manage.py send_reminders --today 2026-07-11   # as if on that day
"""

import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from activities.models import Reminder
from activities.reminders import reminded_quarter, send_reminders


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {value!r}") from None


def plural(count, word, plural_word=None):
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"


class Command(BaseCommand):
    help = (
        "E-mail editors the progress reports missing for the quarter just closed, and reviewers "
        "the reports waiting for their review; each reminder once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would be told what; send and record nothing.",
        )
        parser.add_argument(
            "--today",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="Act as if today were this day (default: today).",
        )

    def handle(self, *args, dry_run, today, **options):
        if not settings.SITE_URL:
            raise CommandError(
                "SITE_URL is not set: the e-mails' links need the site's address, e.g. "
                "SITE_URL=https://tracker.example.org."
            )
        report_days = settings.REMINDER_DAYS_AFTER_QUARTER
        review_days = settings.REVIEW_REMINDER_DAYS
        for name, days in [
            ("REMINDER_DAYS_AFTER_QUARTER", report_days),
            ("REVIEW_REMINDER_DAYS", review_days),
        ]:
            if days < 0:
                raise CommandError(f"{name} must be a number of days, 0 or more: {days}")
        today = today or timezone.localdate()
        outcome = send_reminders(
            today,
            dry_run=dry_run,
            report_days=report_days,
            review_days=review_days,
            log=self.stdout.write,
        )
        year, quarter = reminded_quarter(today, report_days)
        missing = outcome.reminders(Reminder.Kind.MISSING_REPORT)
        waiting = outcome.reminders(Reminder.Kind.REVIEW)
        what = (
            f"{plural(len(outcome.sent), 'reminder e-mail')}: "
            f"{plural(missing, 'progress report')} missing for {year} Q{quarter}, "
            f"{plural(waiting, 'report')} waiting for review more than "
            f"{plural(review_days, 'day')}"
        )
        if dry_run:
            self.stdout.write(f"Dry run on {today}: would send {what}. Nothing sent.")
        else:
            self.stdout.write(
                f"Sent {what}; {plural(len(outcome.failed), 'e-mail')} failed "
                "(tried again on the next run)."
            )
