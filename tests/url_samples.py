"""A realistic data set, and for every URL of the app the arguments and the form data that
point at real rows of it: what the URL walks (tests/test_url_walk.py,
tests/test_cross_region_attacker.py, tests/test_escaping.py) request.

Whoever adds a URL adds its `Sample` to `SAMPLES`: the walk fails, naming the URL, until they do.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from activities.models import Activity, ApiToken, ImportBatch, IndicatorValue, ProgressReport
from initiatives.models import Indicator, Region
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    activity_form_data,
    budget_form_data,
    csv_file,
    import_row,
    initiative_with_results,
    progress_report_form_data,
)
from tests.urlwalk import PUBLIC_URL_NAMES, routes

State = ProgressReport.State

# The people who use the app, as the walk signs them in; None: not signed in.
PERSONAS = {
    "anonymous": None,
    "viewer": {"role": "Viewer"},
    "asp_editor": {"role": "Editor", "regions": ["ASP"]},
    "afr_editor": {"role": "Editor", "regions": ["AFR"]},
    "asp_reviewer": {"role": "Reviewer", "regions": ["ASP"]},
    "superuser": {"is_staff": True, "is_superuser": True},
}
USERNAMES = {
    "viewer": "viewer",
    "asp_editor": "asp.editor",
    "afr_editor": "afr.editor",
    "asp_reviewer": "asp.reviewer",
    "superuser": "root",
}
SIGNED_IN = [persona for persona in PERSONAS if persona != "anonymous"]

# Text that only a draft holds: no page may show it to anyone but the draft's author.
ASP_DRAFT_SECRET = "Draft-only words of the Asia-Pacific editor"
AFR_DRAFT_SECRET = "Draft-only words of the Africa editor"


@dataclass
class World:
    """The rows the walk points at: an activity in Asia-Pacific with a report in each state of
    the workflow, one in Africa with a draft and a submitted report, an archived activity and
    an import waiting for its confirmation."""

    users: dict
    asp_activity: Activity
    afr_activity: Activity
    archived_activity: Activity
    draft: ProgressReport  # the ASP editor's own, 2026 Q1
    submitted: ProgressReport  # another ASP editor's, 2026 Q2, waiting for review
    returned: ProgressReport  # the ASP editor's, 2026 Q3, returned by the reviewer
    approved: ProgressReport  # another ASP editor's, 2025 Q4
    afr_draft: ProgressReport  # the AFR editor's own
    afr_submitted: ProgressReport
    batch: ImportBatch  # the ASP editor's previewed import of one new ASP activity
    indicator: Indicator  # reported, of ASP1.3, with a value in the approved report

    def client(self, persona, **kwargs):
        """A test client signed in as `persona` (not signed in for "anonymous")."""
        client = Client(**kwargs)
        if self.users.get(persona) is not None:
            client.force_login(self.users[persona])
        return client


def build_world():
    """Create the `World` (the reference data is there already)."""
    users = {"anonymous": None}
    for persona, traits in PERSONAS.items():
        if traits is not None:
            users[persona] = UserFactory(username=USERNAMES[persona], **traits)
    asp_writer = UserFactory(username="asp.writer", role="Editor", regions=["ASP"])
    afr_writer = UserFactory(username="afr.writer", role="Editor", regions=["AFR"])
    reviewer = users["asp_reviewer"]
    now = timezone.now()

    initiative_with_results("AFR", "AFR1", results=2)
    africa = Region.objects.get(code="AFR")
    asp_activity = ActivityFactory(
        title="Spectrum training in Tonga",
        reference="ITU-ASP-001",
        countries=["TON"],
        expected_results=["ASP1.3"],
        created_by=users["asp_editor"],
        focal_point=users["asp_editor"],
    )
    afr_activity = ActivityFactory(
        title="Broadband mapping in Kenya",
        region=africa,
        countries=["KEN"],
        expected_results=["AFR1.1"],
        created_by=users["afr_editor"],
    )
    archived_activity = ActivityFactory(
        title="An archived study in Fiji", countries=["FJI"], archived_at=now
    )
    world = World(
        users=users,
        asp_activity=asp_activity,
        afr_activity=afr_activity,
        archived_activity=archived_activity,
        draft=ProgressReportFactory(
            activity=asp_activity,
            author=users["asp_editor"],
            quarter=1,
            achievements=ASP_DRAFT_SECRET,
        ),
        submitted=ProgressReportFactory(
            activity=asp_activity,
            author=asp_writer,
            quarter=2,
            state=State.SUBMITTED,
            submitted_at=now,
        ),
        returned=ProgressReportFactory(
            activity=asp_activity,
            author=users["asp_editor"],
            quarter=3,
            state=State.RETURNED,
            submitted_at=now,
            reviewer=reviewer,
            reviewed_at=now,
            review_comment="Add the evidence.",
        ),
        approved=ProgressReportFactory(
            activity=asp_activity,
            author=asp_writer,
            year=2025,
            quarter=4,
            state=State.APPROVED,
            submitted_at=now,
            reviewer=reviewer,
            reviewed_at=now,
        ),
        afr_draft=ProgressReportFactory(
            activity=afr_activity, author=users["afr_editor"], achievements=AFR_DRAFT_SECRET
        ),
        afr_submitted=ProgressReportFactory(
            activity=afr_activity,
            author=afr_writer,
            quarter=3,
            state=State.SUBMITTED,
            submitted_at=now,
        ),
        batch=ImportBatch.objects.create(
            filename="activities.csv",
            content=import_file_of_one_asp_activity(),
            sha256="0" * 64,
            uploaded_by=users["asp_editor"],
        ),
        indicator=Indicator.objects.create(
            expected_result=asp_activity.expected_results.get(), code="1", name="People trained"
        ),
    )
    IndicatorValue.objects.create(report=world.approved, indicator=world.indicator, value=12)
    IndicatorValue.objects.create(report=world.draft, indicator=world.indicator, value=99)
    return world


def import_file_of_one_asp_activity():
    return csv_file([import_row(title="Imported by the walk")])


def _upload(data, name="activities.csv"):
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


# --- What the walk asks of each URL --------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """How to call one URL on real rows of the `World`.

    `kwargs(world)`: the URL's arguments. `get`: the status of a GET for the personas that do
    not get the default (200 signed in, 302 to the login page otherwise). `post(world)`: what
    its form posts, meant for Asia-Pacific data; `writer`: the persona whose POST of it changes
    the data (None for pages that change nothing), so that the attacker tests know their POST
    would have done something.
    """

    kwargs: Callable[[World], dict] = lambda world: {}
    get: dict = field(default_factory=dict)
    post: Callable[[World], dict] = lambda world: {}
    writer: str | None = None


def _activity(name):
    return lambda world: {"pk": getattr(world, name).pk}


def _report(name):
    def kwargs(world):
        report = getattr(world, name)
        return {"pk": report.activity_id, "report_pk": report.pk}

    return kwargs


def _api_token_of(persona):
    """The id of an API token of `persona`'s; the world holds none, so the first call makes it
    (before the walk takes its snapshot: the path is asked for first)."""

    def kwargs(world):
        user = world.users[persona]
        api_token = user.api_tokens.first() or ApiToken.objects.issue(user, "Walk")[0]
        return {"pk": api_token.pk}

    return kwargs


def _import_preview_of_the_batch(world):
    """The key of the preview of the ASP editor's batch, kept as its upload keeps it."""
    from activities import spreadsheets

    batch, user = world.batch, world.users["asp_editor"]
    plan = spreadsheets.prepare_import(bytes(batch.content), user)
    return {"key": spreadsheets.store_preview(user, plan, batch.filename, batch)}


# A page that only takes a POST (a button's form): GET answers 405 to whoever is signed in.
POST_ONLY = dict.fromkeys(SIGNED_IN, 405)
# The pages of editors, as a viewer and an editor of another region see them.
EDITORS_ONLY = {"viewer": 403, "afr_editor": 403}

SAMPLES = {
    "home": Sample(),
    "login": Sample(
        get={**dict.fromkeys(SIGNED_IN, 302), "anonymous": 200},
        post=lambda world: {"username": "nobody", "password": "wrong"},
    ),
    "logout": Sample(get=POST_ONLY),
    # What it posts changes nothing (no old password): a user changes only their own password.
    "password_change": Sample(),
    "password_change_done": Sample(),
    # One's own reminders: what it posts (on, as they are) changes nothing.
    "activities:reminder_settings": Sample(post=lambda world: {"reminders": "on"}),
    # One's own API tokens: what it posts (no name) makes none; revoke one's own only.
    "activities:api_tokens": Sample(post=lambda world: {"lifetime": "365"}),
    "activities:api_token_revoke": Sample(
        kwargs=_api_token_of("asp_editor"), get=POST_ONLY, writer="asp_editor"
    ),
    "healthz": Sample(get={"anonymous": 200}),
    "readyz": Sample(get={"anonymous": 200}),
    # Browsers post reports here (tests/test_csp_report.py); a GET is refused, even signed out.
    "csp_report": Sample(get=dict.fromkeys(PERSONAS, 405)),
    "activities:activity_list": Sample(),
    "activities:activity_export_csv": Sample(),
    "activities:activity_export_xlsx": Sample(),
    "activities:import_template": Sample(),
    "activities:report_list": Sample(),
    "activities:report_export_csv": Sample(),
    "activities:report_export_xlsx": Sample(),
    "activities:activity_import": Sample(
        get={"viewer": 403},
        post=lambda world: _upload(import_file_of_one_asp_activity()),
        writer="asp_editor",
    ),
    "activities:activity_import_confirm": Sample(
        kwargs=lambda world: {"pk": world.batch.pk}, get=POST_ONLY, writer="asp_editor"
    ),
    "activities:activity_import_preview": Sample(
        kwargs=_import_preview_of_the_batch,
        get={**dict.fromkeys(SIGNED_IN, 404), "asp_editor": 200, "viewer": 403},
    ),
    "activities:activity_create": Sample(
        get={"viewer": 403},
        post=lambda world: activity_form_data(title="Created by the walk"),
        writer="asp_editor",
    ),
    "activities:activity_detail": Sample(kwargs=_activity("asp_activity")),
    "activities:activity_edit": Sample(
        kwargs=_activity("asp_activity"),
        get=EDITORS_ONLY,
        post=lambda world: activity_form_data(world.asp_activity, title="Changed by the walk"),
        writer="asp_editor",
    ),
    "activities:activity_contributions": Sample(
        kwargs=_activity("asp_activity"),
        get=EDITORS_ONLY,
        post=lambda world: {"version": world.asp_activity.version, str(world.indicator.pk): "40"},
        writer="asp_editor",
    ),
    "activities:activity_money": Sample(
        kwargs=_activity("asp_activity"),
        get=EDITORS_ONLY,
        post=lambda world: budget_form_data(
            world.asp_activity,
            lines=[{"year": 2026, "funding_source": "regular_budget", "amount": "5000"}],
        ),
        writer="asp_editor",
    ),
    "activities:activity_archive": Sample(
        kwargs=_activity("asp_activity"), get=POST_ONLY, writer="asp_editor"
    ),
    "activities:activity_restore": Sample(
        kwargs=_activity("archived_activity"), get=POST_ONLY, writer="asp_editor"
    ),
    "activities:activity_history": Sample(kwargs=_activity("asp_activity")),
    "activities:report_create": Sample(
        kwargs=_activity("asp_activity"),
        get=EDITORS_ONLY,
        post=lambda world: progress_report_form_data(quarter=4),
        writer="asp_editor",
    ),
    "activities:report_detail": Sample(kwargs=_report("submitted")),
    "activities:report_edit": Sample(
        kwargs=_report("returned"),
        get=EDITORS_ONLY,
        post=lambda world: progress_report_form_data(
            world.returned, achievements="Changed by the walk."
        ),
        writer="asp_editor",
    ),
    "activities:report_submit": Sample(
        kwargs=_report("returned"), get=POST_ONLY, writer="asp_editor"
    ),
    "activities:report_approve": Sample(
        kwargs=_report("submitted"),
        get=POST_ONLY,
        post=lambda world: {"comment": "Approved by the walk."},
        writer="asp_reviewer",
    ),
    "activities:report_return": Sample(
        kwargs=_report("submitted"),
        get=POST_ONLY,
        post=lambda world: {"comment": "Returned by the walk."},
        writer="asp_reviewer",
    ),
    "initiatives:initiative_list": Sample(),
    "initiatives:country_list": Sample(),
    "reports:all_regions": Sample(),
    "reports:region_dashboard": Sample(kwargs=lambda world: {"region_code": "ASP"}),
    "reports:country_list": Sample(kwargs=lambda world: {"region_code": "ASP"}),
    "reports:result_list": Sample(kwargs=lambda world: {"region_code": "ASP"}),
    "reports:money_lines": Sample(kwargs=lambda world: {"region_code": "ASP"}),
    "reports:table_download": Sample(
        kwargs=lambda world: {"region_code": "ASP", "table": "matrix", "file_format": "csv"}
    ),
    "reports:regional_report": Sample(kwargs=lambda world: {"region_code": "ASP", "year": 2026}),
    "reports:regional_report_download": Sample(
        kwargs=lambda world: {"region_code": "ASP", "year": 2026, "file_format": "docx"}
    ),
    "reports:iati_file": Sample(kwargs=lambda world: {"region_code": "ASP", "year": 2026}),
    "reports:initiative_detail": Sample(
        kwargs=lambda world: {"plan_code": "WTDC-25", "code": "ASP1"}
    ),
    "reports:result_detail": Sample(
        kwargs=lambda world: {"plan_code": "WTDC-25", "code": "ASP1", "number": 3}
    ),
    "reports:country_detail": Sample(kwargs=lambda world: {"iso3": "TON"}),
    "reports:indicator_actual": Sample(
        kwargs=lambda world: {"region_code": "ASP", "pk": world.indicator.pk}
    ),
}


def expected_get_status(name, persona):
    """The status of a GET of the URL `name`'s sample as `persona`."""
    sample = SAMPLES[name]
    if persona in sample.get:
        return sample.get[persona]
    if persona == "anonymous":
        return 200 if name.rpartition(":")[2] in PUBLIC_URL_NAMES else 302
    return 200


def walked_routes():
    """Every route of the URLconf outside the admin (tests/urlwalk.py), as a list."""
    return list(routes())


def missing_samples():
    """Routes that nobody gave a sample yet: a new URL must get one in `SAMPLES`."""
    return sorted({route.name for route in routes()} - set(SAMPLES))


def sample_path(route, world, **overrides):
    """The path of `route` on the world's rows, with `overrides` of some of its arguments."""
    if route.name not in SAMPLES:
        raise LookupError(
            f"No sample for the URL {route.name!r} ({route.route}): add one to SAMPLES in "
            "tests/url_samples.py, so that the URL walk covers it."
        )
    return route.path(**{**SAMPLES[route.name].kwargs(world), **overrides})


# --- Requests and what they changed --------------------------------------------------------


def request(client, method, path, data=None, **extra):
    """The response to one request, or the exception the view raised (a 500 in production).

    Each request runs in its own savepoint, so that a database error (PostgreSQL aborts the
    transaction) leaves the test's transaction usable for the next request.
    """
    try:
        with transaction.atomic():
            if data is None:
                return getattr(client, method)(path, **extra)
            return getattr(client, method)(path, data, **extra)
    except Exception as error:  # any exception is the 500 being looked for
        return error


def described(outcome):
    """A response's status, or an exception with the line of the app that raised it."""
    if not isinstance(outcome, Exception):
        return str(outcome.status_code)
    frame = None
    traceback = outcome.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if "/.venv/" not in filename and "/tests/" not in filename:
            frame = traceback
        traceback = traceback.tb_next
    where = (
        f" at {frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame is not None else ""
    )
    return f"500 ({type(outcome).__name__}: {outcome}{where})"


def status_of(outcome):
    return 500 if isinstance(outcome, Exception) else outcome.status_code


def sends_to_login(outcome):
    return status_of(outcome) == 302 and outcome["Location"].startswith("/login/")


# The data that people write: the apps' models and their history, users and their groups.
SNAPSHOT_APPS = ("activities", "initiatives", "reports", "auth")


def snapshot():
    """Every row of the data people write, to compare before and after an attack."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in SNAPSHOT_APPS:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def changed_tables(before, after):
    """The models whose rows differ between two snapshots."""
    return sorted(label for label in after if before.get(label) != after[label])


def body_text(response):
    """The text of a response's body, whatever it is: a page, a CSV (streamed or not), or the
    XML inside an XLSX or DOCX file (zip archives), so a test can look for words in any of them."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")
