"""Create the demo users and load the demo activities (fixtures/demo.json), for development only.

The users — one per role, plus an administrator — share one password, which is printed with them
so that a developer can sign in at once. Because those credentials are known, the command refuses
to run unless DEBUG is on. Running it again creates nothing new: it resets the users to their
demo roles and regions, gives them a new password and reloads the demo fixture.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities import roles
from activities.models import Activity, RegionAssignment
from initiatives.history import record_history
from initiatives.models import Region

URL = "http://127.0.0.1:8000/"
DEMO_FIXTURE = "demo"
# Letters and digits that cannot be mistaken for one another when read off a screen.
READABLE_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class DemoUser:
    """A demo user: `role` is a group name, or None for the superuser."""

    username: str
    first_name: str
    last_name: str
    role: str | None = None
    regions: tuple = ()
    superuser: bool = False

    @property
    def role_label(self):
        return "Administrator (superuser)" if self.superuser else self.role

    @property
    def regions_label(self):
        if self.superuser:
            return "all"
        return ", ".join(self.regions) or "—"


DEMO_USERS = [
    DemoUser("admin", "Ada", "Admin", superuser=True),
    DemoUser("asp.editor", "Siosaia", "Tupou", roles.EDITOR, ("ASP",)),
    DemoUser("asp.reviewer", "Ananya", "Sharma", roles.REVIEWER, ("ASP",)),
    DemoUser("afr.editor", "Amina", "Diallo", roles.EDITOR, ("AFR",)),
    DemoUser("viewer", "Victor", "Mensah", roles.VIEWER),
]


def readable_password():
    """A fresh random password such as `k7fm-3xqp-9hwd`: about 60 bits, easy to type."""
    groups = ("".join(secrets.choice(READABLE_CHARACTERS) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


class Command(BaseCommand):
    help = (
        "Create the demo users (admin, asp.editor, asp.reviewer, afr.editor, viewer) with one "
        "password, printed on screen, and load the demo activities. Only with DEBUG=True."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="The password of every demo user (default: a new random one on every run).",
        )

    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with known passwords; it only runs with DEBUG=True."
            )
        if password is not None and not password.strip():
            raise CommandError("--password cannot be empty.")
        generated = password is None
        password = password or readable_password()
        self.check_reference_data()

        with transaction.atomic():
            for demo_user in DEMO_USERS:
                self.save_user(demo_user, password)
            call_command("loaddata", DEMO_FIXTURE, stdout=self.stdout, verbosity=1)
            self.write_demo_history()

        self.print_table(password, generated)

    def check_reference_data(self):
        """Fail before creating anything when the roles or regions the users need are missing."""
        needed_regions = {code for u in DEMO_USERS for code in u.regions} | {"ASP"}
        found = set(Region.objects.filter(code__in=needed_regions).values_list("code", flat=True))
        if missing := sorted(needed_regions - found):
            raise CommandError(
                f"Regions {', '.join(missing)} are missing: run "
                "`python manage.py load_reference_data` first."
            )
        needed_groups = {u.role for u in DEMO_USERS if u.role}
        found = set(Group.objects.filter(name__in=needed_groups).values_list("name", flat=True))
        if missing := sorted(needed_groups - found):
            raise CommandError(
                f"Groups {', '.join(missing)} are missing: run `python manage.py migrate` first."
            )

    def save_user(self, demo_user, password):
        """Create the user, or bring an existing one back to its demo role, regions, password."""
        user, _ = get_user_model().objects.get_or_create(username=demo_user.username)
        user.first_name = demo_user.first_name
        user.last_name = demo_user.last_name
        user.email = f"{demo_user.username}@example.org"
        user.is_active = True
        user.is_staff = demo_user.superuser
        user.is_superuser = demo_user.superuser
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name=demo_user.role) if demo_user.role else [])
        wanted = Region.objects.filter(code__in=demo_user.regions)
        RegionAssignment.objects.filter(user=user).exclude(region__in=wanted).delete()
        for region in wanted:
            RegionAssignment.objects.get_or_create(user=user, region=region)

    def write_demo_history(self):
        """Give each newly loaded demo activity one "created" history row, by its author.

        loaddata saves rows raw, without history, but setting an activity's target groups still
        writes a stray "changed" row with nobody as its author. A demo activity without its
        "created" row was just loaded: replace whatever rows it has with that one.
        """
        created = Activity.history.filter(history_type="+").values("id")
        fresh = Activity.objects.filter(is_demo=True).exclude(pk__in=created)
        Activity.history.filter(id__in=fresh.values("pk")).delete()
        for activity in fresh.select_related("created_by"):
            activity._history_date = activity.created_at
            record_history([activity], activity.created_by, reason="Demo data", created=True)

    def print_table(self, password, generated):
        header = ("username", "role", "regions", "password")
        rows = [(u.username, u.role_label, u.regions_label, password) for u in DEMO_USERS]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells):
            return "  ".join(
                cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
            ).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Sign in at {URL}"))
        self.stdout.write("")
        self.stdout.write(line(header))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        again = "makes a new one" if generated else "sets it again"
        self.stdout.write(f"All demo users share this password; running seed_demo again {again}.")
