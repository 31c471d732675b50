"""Create the demo users and load the demo activities (fixtures/demo.json), for development only.

The users — one per role, plus an administrator — share one password, which is printed with them
and the sign-in address so that a developer can sign in at once: `--password`, else
DEMO_PASSWORD, else a new random one. Because those credentials are known, the command refuses to
run unless DEBUG is on. Running it again creates nothing new: it resets the users to their demo
roles and regions, gives them the password again and reloads the demo fixture (whose rows have
natural keys: a row already there is updated, not added again).
"""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from activities import roles
from activities.models import Activity, BudgetLine, Expenditure, RegionAssignment
from initiatives.history import record_history
from initiatives.models import Region

# Where `make run` serves (its HOST and PORT, which it passes on).
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
# A server listening on every address is reached from this machine at the loopback address.
# (Addresses to print, not to bind to.)
LISTEN_ON_ALL = {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"}  # noqa: S104 # nosec B104
DEMO_FIXTURE = "demo"
DEMO_REASON = "Demo data"
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


def sign_in_url(host, port):
    """The login page of a development server on `host`:`port`: http://127.0.0.1:8000/login/."""
    host = LISTEN_ON_ALL.get(host, host).removeprefix("[").removesuffix("]")
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{port}{reverse(settings.LOGIN_URL)}"


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
            help="The password of every demo user (default: DEMO_PASSWORD, else a new random "
            "one on every run).",
        )
        parser.add_argument(
            "--host", default=DEFAULT_HOST, help="The development server's host, for the address."
        )
        parser.add_argument(
            "--port", type=int, default=DEFAULT_PORT, help="The development server's port."
        )

    def handle(self, *args, password=None, host=DEFAULT_HOST, port=DEFAULT_PORT, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with known passwords; it only runs with DEBUG=True."
            )
        if password is not None and not password.strip():
            raise CommandError("--password cannot be empty.")
        if password is None and settings.DEMO_PASSWORD:
            if not settings.DEMO_PASSWORD.strip():
                raise CommandError("DEMO_PASSWORD cannot be blank: leave it unset for a new one.")
            password = settings.DEMO_PASSWORD
        generated = password is None
        password = password or readable_password()
        self.check_reference_data()

        with transaction.atomic():
            for demo_user in DEMO_USERS:
                self.save_user(demo_user, password)
            call_command("loaddata", DEMO_FIXTURE, stdout=self.stdout, verbosity=1)
            self.remove_money_not_in_fixture()
            self.write_demo_history()

        self.print_table(password, generated, sign_in_url(host, port))

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

    def remove_money_not_in_fixture(self):
        """Delete the budget lines and expenditures of the demo's activities that the fixture
        does not have: loading updates and adds rows, never removes one, and a database that
        had the demo before budget lines existed has the one line per activity that its
        migration made, which the fixture's lines (split across the years, the partner
        named) would otherwise count a second time."""
        fixture = Path(settings.BASE_DIR) / "fixtures" / f"{DEMO_FIXTURE}.json"
        objects = json.loads(fixture.read_text(encoding="utf-8"))
        uids = [o["fields"]["uid"] for o in objects if o["model"] == "activities.activity"]
        kept = set()  # the natural keys of the fixture's budget lines and expenditures
        for o in objects:
            fields = o["fields"]
            if o["model"] == "activities.budgetline":
                kept.add(
                    (
                        *fields["activity"],
                        fields["year"],
                        fields["funding_source"],
                        fields["funding_partner"],
                        fields["currency"],
                    )
                )
            elif o["model"] == "activities.expenditure":
                kept.add((*fields["report"], fields["funding_source"], fields["currency"]))
        rows = [
            *BudgetLine.objects.filter(activity__uid__in=uids).select_related("activity"),
            *Expenditure.objects.filter(report__activity__uid__in=uids).select_related(
                "report__activity"
            ),
        ]
        for row in rows:
            if row.natural_key() not in kept:
                row._change_reason = f"{DEMO_REASON}: not in the demo"
                row.delete()

    def write_demo_history(self):
        """Give each newly loaded demo activity one "created" history row, by its author, and
        its budget lines theirs.

        loaddata saves rows raw, without history, but setting an activity's target groups still
        writes a stray "changed" row with nobody as its author. A demo activity without its
        "created" row was just loaded: replace whatever rows it has with that one.
        """
        created = Activity.history.filter(history_type="+").values("id")
        fresh = list(
            Activity.objects.filter(is_demo=True)
            .exclude(pk__in=created)
            .select_related("created_by")
        )
        Activity.history.filter(id__in=[activity.pk for activity in fresh]).delete()
        for activity in fresh:
            activity._history_date = activity.created_at
            record_history([activity], activity.created_by, reason=DEMO_REASON, created=True)
        lines = list(
            BudgetLine.objects.filter(activity__in=fresh).select_related("activity__created_by")
        )
        for line in lines:
            line._history_date = line.activity.created_at
            line._history_user = line.activity.created_by
        record_history(lines, None, reason=DEMO_REASON, created=True)

    def print_table(self, password, generated, url):
        header = ("username", "role", "regions", "password")
        rows = [(u.username, u.role_label, u.regions_label, password) for u in DEMO_USERS]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells):
            return "  ".join(
                cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
            ).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Sign in at {url}"))
        self.stdout.write("")
        self.stdout.write(line(header))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        again = "makes a new one (set DEMO_PASSWORD to keep one)" if generated else "sets it again"
        self.stdout.write(f"All demo users share this password; running seed_demo again {again}.")
