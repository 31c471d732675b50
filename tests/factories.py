"""factory-boy factories for work data and users; reference data comes from the fixtures."""

import datetime
import io
import zipfile

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from activities.models import Activity, ProgressReport, RegionAssignment
from initiatives.models import Country, ExpectedResult, Region

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `role="Editor"` puts them in that group, `regions=["ASP"]` assigns regions."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            for code in extracted:
                RegionAssignment.objects.create(user=self, region=Region.objects.get(code=code))


def expected_result(code):
    """ExpectedResult by its display code, e.g. "ASP3.4" (of the Baku Action Plan)."""
    initiative_code, number = code.split(".")
    return ExpectedResult.objects.get(
        initiative__action_plan__code="WTDC-25", initiative__code=initiative_code, number=number
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity in Asia-Pacific; `countries=["TON"]`, `expected_results=["ASP1.3"]` by code."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Activity {n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="ASP"))
    status = Activity.Status.ONGOING
    modality = Activity.Modality.CAPACITY_BUILDING
    start_date = datetime.date(2026, 2, 1)
    end_date = datetime.date(2026, 11, 30)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["TON"]
            self.countries.set(Country.objects.filter(iso3__in=codes))

    @factory.post_generation
    def expected_results(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["ASP1.3"]
            self.expected_results.set([expected_result(code) for code in codes])


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    activity = factory.SubFactory(ActivityFactory)
    year = 2026
    quarter = 2
    activity_status = Activity.Status.ONGOING
    percent_complete = 40
    achievements = "Trained 40 officials of the regulator."
    author = factory.SubFactory(UserFactory)


def approved_report(activity, year, quarter, **fields):
    """An approved progress report of `activity` for `year` Q`quarter`, reviewed by someone
    other than its author (the database insists)."""
    return ProgressReportFactory(
        activity=activity,
        year=year,
        quarter=quarter,
        state=ProgressReport.State.APPROVED,
        reviewer=UserFactory(),
        reviewed_at=timezone.now(),
        **fields,
    )


def initiative_with_results(region_code, code, results=1, plan_code="WTDC-25"):
    """An initiative of another region than Asia-Pacific (the fixtures hold ASP's only), with
    `results` expected results numbered from 1; returns the initiative."""
    from initiatives.models import ActionPlan, Initiative

    initiative = Initiative.objects.create(
        action_plan=ActionPlan.objects.get(code=plan_code),
        region=Region.objects.get(code=region_code),
        code=code,
        title=f"Initiative {code}",
        objective="An objective.",
    )
    for number in range(1, results + 1):
        ExpectedResult.objects.create(
            initiative=initiative, number=number, text=f"Expected result {number} of {code}."
        )
    return initiative


def activity_form_data(activity=None, **changes):
    """What the activity form posts: a valid new activity's values, or `activity`'s (with its
    version), changed by `changes`. Region, countries, expected results and target groups are
    given by their codes ("ASP", ["TON"], ["ASP3.4"], ["youth"]), as a person reads them."""
    from activities.models import TargetGroup

    if activity is None:
        values = {
            "title": "Spectrum management training for Pacific regulators",
            "reference": "",
            "description": "",
            "status": Activity.Status.PLANNED,
            "modality": Activity.Modality.CAPACITY_BUILDING,
            "region": "ASP",
            "countries": ["TON"],
            "expected_results": ["ASP1.3"],
            "start_date": "2026-03-01",
            "end_date": "2026-06-30",
            "budget_amount": "",
            "currency": "USD",
            "funding_source": "",
            "partners": "",
            "target_groups": [],
            "focal_point": "",
            "planned_participants_women": 0,
            "planned_participants_men": 0,
        }
    else:
        values = {
            "title": activity.title,
            "reference": activity.reference,
            "description": activity.description,
            "status": activity.status,
            "modality": activity.modality,
            "region": activity.region.code,
            "countries": [c.iso3 for c in activity.countries.all()],
            "expected_results": [r.code for r in activity.expected_results.all()],
            "start_date": activity.start_date.isoformat(),
            "end_date": activity.end_date.isoformat() if activity.end_date else "",
            "budget_amount": "" if activity.budget_amount is None else activity.budget_amount,
            "currency": activity.currency,
            "funding_source": activity.funding_source,
            "partners": activity.partners,
            "target_groups": [g.code for g in activity.target_groups.all()],
            "focal_point": activity.focal_point_id or "",
            "planned_participants_women": activity.planned_participants_women,
            "planned_participants_men": activity.planned_participants_men,
            "version": activity.version,
        }
    values.update(changes)
    data = dict(values)
    data["region"] = Region.objects.get(code=values["region"]).pk if values["region"] else ""
    data["countries"] = [Country.objects.get(iso3=code).pk for code in values["countries"]]
    data["expected_results"] = [expected_result(code).pk for code in values["expected_results"]]
    data["target_groups"] = [TargetGroup.objects.get(code=c).pk for c in values["target_groups"]]
    return data


def progress_report_form_data(report=None, **overrides):
    """What the progress report form posts: a valid report for 2026 Q3, or `report`'s values
    with its version (for the edit form), then `overrides`."""
    data = {
        "year": 2026,
        "quarter": 3,
        "activity_status": Activity.Status.ONGOING,
        "percent_complete": 50,
        "achievements": "Trained 25 staff of the regulator on spectrum management.",
        "challenges": "",
        "next_steps": "",
        "evidence_links": "",
        "people_reached_women": 12,
        "people_reached_men": 13,
    }
    if report is not None:
        data.update({name: getattr(report, name) for name in data})
        data["version"] = report.version
    data.update(overrides)
    return data


def import_row(**values):
    """A row of an import file, as {column key: cell}: a valid new activity in Tonga, changed
    by `values` (keys as in `activities.spreadsheets.COLUMNS`, e.g. expected_results="ASP3.4")."""
    row = {
        "title": "IXP feasibility study",
        "countries": "TON",
        "expected_results": "ASP1.3",
        "status": "Ongoing",
        "modality": "Study/assessment",
        "start_date": "2026-03-05",
    }
    row.update(values)
    return row


def _import_cells(rows, headers):
    from activities.spreadsheets import COLUMNS

    key_of = {column.header: column.key for column in COLUMNS}
    return [
        [row.get(key_of.get(header.strip().lower(), header), "") for header in headers]
        for row in rows
    ]


def xlsx_file(rows, headers=None, prepare=None):
    """The bytes of an .xlsx import file with `rows` (dicts from `import_row`) under `headers`
    (default: all the columns). `prepare(sheet)` may change the sheet before it is saved."""
    import io

    from openpyxl import Workbook

    from activities.spreadsheets import HEADERS

    headers = headers or HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Activities"
    sheet.append(headers)
    for cells in _import_cells(rows, headers):
        sheet.append([None if cell == "" else cell for cell in cells])
    if prepare:
        prepare(sheet)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_file(rows, headers=None, delimiter=",", bom=False):
    """The bytes of a CSV import file (UTF-8, with a BOM if `bom`) with `rows` under `headers`."""
    import csv
    import io

    from activities.spreadsheets import HEADERS

    headers = headers or HEADERS
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    for cells in _import_cells(rows, headers):
        writer.writerow(cells)
    return ("\ufeff" if bom else "").encode() + text.getvalue().encode()


def rewrite_sheet(data, change):
    """`data` (an .xlsx) with its first sheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            out.writestr(member, content)
    return target.getvalue()


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    """A user's choice about e-mail reminders: off (a user without one gets them)."""

    class Meta:
        model = "activities.NotificationPreference"

    user = factory.SubFactory(UserFactory)
    reminders = False


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A reported indicator counted in numbers, of ASP3.4 unless told: `result="ASP1.3"`."""

    class Meta:
        model = "initiatives.Indicator"
        exclude = ["result"]

    result = "ASP3.4"
    expected_result = factory.LazyAttribute(lambda o: expected_result(o.result))
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"People trained {n + 1}")
