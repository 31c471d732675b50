"""factory-boy factories for work data and users; reference data comes from the fixtures."""

import datetime
import io
import zipfile
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from activities import money
from activities.models import (
    Activity,
    BudgetLine,
    Expenditure,
    FundingSource,
    ProgressReport,
    RegionAssignment,
)
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
            money.apply_split([self], {})  # equal shares, as the write path gives them

    @factory.post_generation
    def budget(self, create, extracted, **kwargs):
        """`budget=(amount, funding source[, currency])`: one budget line in the start year
        (extra-budgetary money from "A partner")."""
        if create and extracted:
            amount, source, *currency = extracted
            BudgetLine.objects.create(
                activity=self,
                year=self.start_date.year,
                funding_source=source,
                funding_partner="A partner" if source == FundingSource.EXTRA_BUDGETARY else "",
                amount=Decimal(amount),
                currency=currency[0] if currency else "USD",
            )


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


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """A budget line of 2026 from the ITU regular budget, in US dollars."""

    class Meta:
        model = BudgetLine

    activity = factory.SubFactory(ActivityFactory)
    year = 2026
    funding_source = FundingSource.REGULAR_BUDGET
    amount = Decimal("10000.00")
    currency = "USD"


class ExpenditureFactory(factory.django.DjangoModelFactory):
    """What a report says was spent from the ITU regular budget, in US dollars."""

    class Meta:
        model = Expenditure

    report = factory.SubFactory(ProgressReportFactory)
    funding_source = FundingSource.REGULAR_BUDGET
    amount = Decimal("2500.00")
    currency = "USD"


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    """The euro's rate of January 2026: 0.9 euro for a dollar."""

    class Meta:
        model = "initiatives.ExchangeRate"

    currency = "EUR"
    month = datetime.date(2026, 1, 1)
    rate = Decimal("0.900000")


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


def money_rows_data(prefix, rows, saved=0, defaults=None):
    """The management form and rows of a formset of money rows (`prefix` "lines" or "spent"):
    `rows` as dicts of field values, over `defaults`; the first `saved` of them are rows read
    from the database (a "DELETE": "on" removes one)."""
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": saved}
    for index, row in enumerate(rows):
        for name, value in {**(defaults or {}), **row}.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def budget_form_data(activity, lines=None, split="equal", shares=None, version=None):
    """What the page "Budget and split" posts for `activity`: its `lines` (dicts of year,
    funding_source, funding_partner (default none), amount, currency (default USD); default:
    the lines it has), the `split` ("equal" or "set") with `shares` ({expected result code:
    percent}; default: as saved), and the version read (default: the activity's)."""
    saved = list(activity.budget_lines.all())
    if lines is None:
        lines = [{name: getattr(line, name) for name in BudgetLine.LINE_FIELDS} for line in saved]
    data = money_rows_data(
        "lines",
        lines,
        saved=min(len(saved), len(lines)),
        defaults={"funding_partner": "", "currency": "USD"},
    )
    data["version"] = activity.version if version is None else version
    data["split"] = split
    links = activity.activityexpectedresult_set.select_related("expected_result")
    for link in links:
        given = (shares or {}).get(link.expected_result.code, link.share)
        data[f"share-{link.expected_result_id}"] = given
    return data


def expenditure_form_data(rows, saved=0):
    """The part of the progress report form that says what was spent: `rows` as dicts of
    funding_source, amount, currency (default USD)."""
    return money_rows_data("spent", rows, saved=saved, defaults={"currency": "USD"})


def budget_line_row(**values):
    """A row of the sheet "Budget lines" of an import file, as {column key: cell}: 10,000 US
    dollars of the ITU regular budget for 2026, for the activity of reference ASP-1, changed
    by `values` (keys as in `activities.spreadsheets.BUDGET_COLUMNS`, e.g. currency="EUR")."""
    row = {
        "reference": "ASP-1",
        "year": 2026,
        "funding_source": "ITU regular budget",
        "amount": 10000,
        "currency": "USD",
    }
    row.update(values)
    return row


def xlsx_with_budget_lines(rows, lines, headers=None, budget_headers=None):
    """The bytes of an .xlsx import file with `rows` (dicts from `import_row`) on its sheet
    "Activities" and `lines` (dicts from `budget_line_row`) on its sheet "Budget lines", under
    `budget_headers` (default: all the columns of budget lines)."""
    from activities.spreadsheets import BUDGET_COLUMNS, BUDGET_HEADERS, BUDGET_SHEET_TITLE

    budget_headers = budget_headers or BUDGET_HEADERS
    key_of = {column.header: column.key for column in BUDGET_COLUMNS}

    def add_budget_lines(sheet):
        lines_sheet = sheet.parent.create_sheet(BUDGET_SHEET_TITLE)
        lines_sheet.append(budget_headers)
        for line in lines:
            cells = [
                line.get(key_of.get(header.strip().lower(), header), "")
                for header in budget_headers
            ]
            lines_sheet.append([None if cell == "" else cell for cell in cells])

    return xlsx_file(rows, headers, prepare=add_budget_lines)


def api_client(user, **token_options):
    """A REST API client that sends a new personal token of `user` (`read_only=True`…)."""
    from rest_framework.test import APIClient

    from activities.models import ApiToken

    _row, secret = ApiToken.objects.issue(user, "Tests", **token_options)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
