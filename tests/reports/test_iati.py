"""The IATI 2.03 activity file of a region's activities of a year (/reports/ASP/2026/iati.xml,
`manage.py export_iati`): it validates against the project's copy of the schema, holds the
activities the regional report counts less those kept out of the publication, with their
partners, countries, budgets and results (targets, and actuals from APPROVED reports only); the
same permission as the regional report; a fixed number of queries; editors set the flag."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from activities.models import Activity, FundingSource, IndicatorValue, ProgressReport
from initiatives.models import ActionPlan, Country, Region, Target
from reports import iati
from reports.queries.scope import Scope
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    IndicatorFactory,
    ProgressReportFactory,
    UserFactory,
    activity_form_data,
    approved_report,
    initiative_with_results,
)

pytestmark = pytest.mark.django_db

URL = "/reports/ASP/2026/iati.xml"
REPORT_URL = "/reports/ASP/2026/"
ORGANISATION = "XM-DAC-41303"
Status = Activity.Status


@pytest.fixture(autouse=True)
def _organisation(settings):
    settings.IATI_ORGANISATION_IDENTIFIER = ORGANISATION
    settings.IATI_ORGANISATION_NAME = "International Telecommunication Union (ITU)"
    settings.IATI_SECTOR_CODE = "22040"


def asp_document(year=2026):
    return iati.region_document(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), year
    )


def identifier(activity):
    return f"{ORGANISATION}-{activity.uid}"


def element_of(document, activity):
    """The `iati-activity` of `activity` in `document`, or None."""
    found = document.xpath(f"iati-activity[iati-identifier='{identifier(activity)}']")
    return found[0] if found else None


def attributes(elements, *names):
    return [tuple(element.get(name) for name in names) for element in elements]


def load_demo():
    # The demo fixture names its authors and reviewers: the demo users of seed_demo.
    for username in ("asp.editor", "asp.reviewer"):
        UserFactory(username=username)
    call_command("loaddata", "demo", verbosity=0)


# --- The demo's file


def test_the_demo_file_validates_and_each_result_carries_its_code():
    load_demo()
    document = asp_document()

    assert iati.validate(document) == []
    scope = Scope(
        plan=ActionPlan.objects.get(code="WTDC-25"),
        year=2026,
        region=Region.objects.get(code="ASP"),
    )
    counted = {identifier(activity): activity for activity in scope.activities()}
    assert sorted(element.findtext("iati-identifier") for element in document) == sorted(counted)
    assert len(counted) > 10
    for element in document:
        activity = counted[element.findtext("iati-identifier")]
        results = element.findall("result")
        assert len(results) == activity.expected_results.count() > 0
        for result in results:
            reference = result.find("reference")
            assert reference.get("vocabulary") == "99"
            assert re.fullmatch(r"ASP\d+\.\d+", reference.get("code"))
            assert result.find("indicator") is not None


def test_the_schema_copy_loads_offline_and_imports_only_local_files():
    folder = iati.SCHEMA_FILE.parent
    for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"):
        tree = etree.parse(str(folder / name))
        locations = tree.xpath(
            "//xsd:import/@schemaLocation | //xsd:include/@schemaLocation",
            namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"},
        )
        assert all(not location.startswith("http") for location in locations), name
    assert iati.schema() is not None


# --- What an activity says


def test_it_identifies_an_activity_by_its_uid_which_never_changes_and_gives_its_reference():
    with_reference = ActivityFactory(reference="ITU-ASP-001")
    without = ActivityFactory(reference="")

    document = asp_document()

    element = element_of(document, with_reference)
    assert element.findtext("iati-identifier") == f"XM-DAC-41303-{with_reference.uid}"
    assert attributes(element.findall("other-identifier"), "ref", "type") == [("ITU-ASP-001", "A1")]
    element = element_of(document, without)
    assert element.findtext("iati-identifier") == f"XM-DAC-41303-{without.uid}"
    assert element.findall("other-identifier") == []
    assert iati.validate(document) == []


def test_it_says_who_reports_who_takes_part_and_who_funds():
    activity = ActivityFactory(
        title="IXP study",
        description="",
        partners="APNIC; Tonga MEIDECC\n\nPacific Islands Telecommunications Association\n",
        budget=(5000, FundingSource.EXTRA_BUDGETARY),
    )
    BudgetLineFactory(
        activity=activity,
        funding_source=FundingSource.EXTRA_BUDGETARY,
        funding_partner="Government of Australia",
    )

    element = element_of(asp_document(), activity)

    assert element.get("default-currency") == "USD"
    assert element.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert element.get("last-updated-datetime").startswith(str(activity.updated_at.year))
    reporting = element.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == (ORGANISATION, "40")
    assert reporting.findtext("narrative") == "International Telecommunication Union (ITU)"
    # No description: the title stands in, as the schema requires one.
    assert element.find("description").get("type") == "1"
    assert element.findtext("description/narrative") == "IXP study"
    organisations = [
        (org.get("role"), org.get("ref"), org.findtext("narrative"))
        for org in element.findall("participating-org")
    ]
    assert organisations == [
        ("2", ORGANISATION, "International Telecommunication Union (ITU)"),
        ("4", ORGANISATION, "International Telecommunication Union (ITU)"),
        ("4", None, "APNIC"),
        ("4", None, "Tonga MEIDECC"),
        ("4", None, "Pacific Islands Telecommunications Association"),
        ("1", None, "A partner"),
        ("1", None, "Government of Australia"),
    ]
    sector = element.find("sector")
    assert attributes([sector], "vocabulary", "code", "percentage") == [("1", "22040", "100")]


START, END = "2026-02-01", "2026-11-30"


@pytest.mark.parametrize(
    ("status", "end_date", "code", "dates"),
    [
        (Status.PLANNED, END, "1", [("1", START), ("3", END)]),
        (Status.ONGOING, END, "2", [("2", START), ("3", END)]),
        (Status.ONGOING, None, "2", [("2", START)]),
        (Status.SUSPENDED, None, "6", [("2", START)]),
        (Status.COMPLETED, END, "3", [("2", START), ("4", END)]),
    ],
)
def test_its_status_and_dates_follow_the_iati_codelists(status, end_date, code, dates):
    end_date = datetime.date.fromisoformat(end_date) if end_date else None
    activity = ActivityFactory(status=status, end_date=end_date)

    element = element_of(asp_document(), activity)

    assert element.find("activity-status").get("code") == code
    assert attributes(element.findall("activity-date"), "type", "iso-date") == dates


def test_a_cancelled_activity_is_not_in_the_file_but_has_its_code():
    cancelled = ActivityFactory(status=Status.CANCELLED)

    assert element_of(asp_document(), cancelled) is None
    assert iati.ACTIVITY_STATUS[Status.CANCELLED] == "5"
    assert set(iati.ACTIVITY_STATUS) == set(Status)


@pytest.mark.parametrize(
    ("countries", "percentages"),
    [
        (["TON"], ["100.00"]),
        (["TON", "FJI", "WSM"], ["33.34", "33.33", "33.33"]),
        (["TON", "FJI", "WSM", "VUT", "TUV", "KIR", "PNG"], None),
    ],
)
def test_recipient_country_percentages_sum_to_exactly_100(countries, percentages):
    activity = ActivityFactory(countries=countries)

    shown = element_of(asp_document(), activity).findall("recipient-country")

    assert len(shown) == len(countries)
    assert all(re.fullmatch(r"[A-Z]{2}", country.get("code")) for country in shown)
    assert sum(Decimal(country.get("percentage")) for country in shown) == 100
    if percentages:
        assert [country.get("percentage") for country in shown] == percentages
    by_name = Country.objects.filter(iso3__in=countries).order_by("name")
    assert [country.get("code") for country in shown] == [c.iso2 for c in by_name]


def test_excluded_and_archived_activities_are_left_out():
    published = ActivityFactory(title="Published")
    excluded = ActivityFactory(title="Kept out", iati_excluded=True)
    archived = ActivityFactory(title="Archived", archived_at=timezone.now())
    other_year = ActivityFactory(
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 12, 31)
    )
    other_region = ActivityFactory(region=Region.objects.get(code="AFR"), countries=["KEN"])

    document = asp_document()

    assert element_of(document, published) is not None
    for left_out in (excluded, archived, other_year, other_region):
        assert element_of(document, left_out) is None
    assert len(document) == 1


def test_budget_lines_appear_one_budget_per_year_and_currency():
    activity = ActivityFactory(
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 6, 30)
    )
    BudgetLineFactory(activity=activity, year=2026, amount=Decimal("10000.00"))
    BudgetLineFactory(
        activity=activity,
        year=2026,
        funding_source=FundingSource.ICT_DF,
        amount=Decimal("2500.50"),
    )
    BudgetLineFactory(activity=activity, year=2026, amount=Decimal("900.00"), currency="EUR")
    BudgetLineFactory(activity=activity, year=2027, amount=Decimal("4000.00"))

    document = asp_document()
    budgets = element_of(document, activity).findall("budget")

    shown = [
        (
            budget.get("type"),
            budget.get("status"),
            budget.find("period-start").get("iso-date"),
            budget.find("period-end").get("iso-date"),
            budget.find("value").get("currency"),
            budget.find("value").get("value-date"),
            budget.findtext("value"),
        )
        for budget in budgets
    ]
    assert shown == [
        ("1", "2", "2026-01-01", "2026-12-31", "EUR", "2026-01-01", "900.00"),
        ("1", "2", "2026-01-01", "2026-12-31", "USD", "2026-01-01", "12500.50"),
        ("1", "2", "2027-01-01", "2027-12-31", "USD", "2027-01-01", "4000.00"),
    ]
    assert iati.validate(document) == []


# --- Results: targets, and actuals from approved reports only


@pytest.fixture
def reported():
    """An activity of ASP3.4 running 2026 to 2027, and a reported indicator of ASP3.4 with a
    baseline and targets for 2026 and 2027 and the plan's end."""
    activity = ActivityFactory(
        expected_results=["ASP3.4"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    indicator = IndicatorFactory(
        name="Officials trained", baseline_value=Decimal("12"), baseline_year=2025
    )
    Target.objects.create(indicator=indicator, year=2026, value=Decimal("40"))
    Target.objects.create(indicator=indicator, year=2027, value=Decimal("80"))
    Target.objects.create(indicator=indicator, year=None, value=Decimal("150"))
    return activity, indicator


def indicator_element(document, activity, indicator):
    element = element_of(document, activity)
    return element.xpath(f"result/indicator[reference/@code='{indicator.full_code}']")[0]


def periods(indicator_node):
    return [
        (
            period.find("period-start").get("iso-date"),
            period.find("period-end").get("iso-date"),
            period.find("target").get("value") if period.find("target") is not None else None,
            period.find("actual").get("value") if period.find("actual") is not None else None,
        )
        for period in indicator_node.findall("period")
    ]


def test_actuals_come_only_from_approved_reports(reported):
    activity, indicator = reported
    for quarter, value in ((1, 10), (2, 5)):
        report = approved_report(activity, 2026, quarter)
        IndicatorValue.objects.create(report=report, indicator=indicator, value=value)
    not_approved = [
        ProgressReportFactory(activity=activity, quarter=3, state=ProgressReport.State.SUBMITTED),
        ProgressReportFactory(activity=activity, quarter=4),  # a draft
        ProgressReportFactory(
            activity=activity,
            year=2025,
            quarter=4,
            state=ProgressReport.State.RETURNED,
            reviewer=UserFactory(),
            reviewed_at=timezone.now(),
        ),
    ]
    for report in not_approved:
        IndicatorValue.objects.create(report=report, indicator=indicator, value=99)

    document = asp_document(2027)
    node = indicator_element(document, activity, indicator)

    assert node.get("measure") == "1"
    assert node.get("ascending") == "true"
    assert node.findtext("title/narrative") == "Officials trained"
    assert attributes(node.findall("baseline"), "year", "value") == [("2025", "12")]
    assert periods(node) == [
        ("2026-01-01", "2026-12-31", "40", "15"),
        ("2027-01-01", "2027-12-31", "80", None),
    ]
    assert iati.validate(document) == []


def test_the_result_names_its_expected_result_and_people_reached_come_from_approved_reports(
    reported,
):
    activity, _ = reported
    approved_report(activity, 2026, 1, people_reached_women=7, people_reached_men=5)
    ProgressReportFactory(activity=activity, quarter=2, people_reached_women=1000)

    element = element_of(asp_document(), activity)

    result = element.find("result")
    assert (result.get("type"), result.get("aggregation-status")) == ("1", "0")
    assert result.findtext("title/narrative") == activity.expected_results.get().text
    assert attributes(result.findall("reference"), "vocabulary", "code") == [("99", "ASP3.4")]
    people = result.xpath("indicator[reference/@code='ASP3.4-PR']")[0]
    assert periods(people) == [("2026-01-01", "2026-12-31", None, "12")]


def test_a_period_after_the_files_year_is_left_out(reported):
    activity, indicator = reported

    node = indicator_element(asp_document(2026), activity, indicator)

    assert periods(node) == [("2026-01-01", "2026-12-31", "40", None)]


def test_a_percentage_indicator_is_measured_in_percent(reported):
    activity, indicator = reported
    indicator.unit = indicator.Unit.PERCENT
    indicator.direction = indicator.Direction.DOWN
    indicator.save()

    node = indicator_element(asp_document(), activity, indicator)

    assert (node.get("measure"), node.get("ascending")) == ("2", "false")


# --- The file to download, and who may


def test_a_viewer_downloads_the_file(viewer_client):
    activity = ActivityFactory(reference="ITU-ASP-001")

    response = viewer_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="iati-ASP-2026.xml"'
    document = etree.fromstring(response.content)
    assert document.get("version") == "2.03"
    assert document.findtext("iati-activity/iati-identifier") == identifier(activity)
    assert iati.validate(document) == []


def test_the_regional_report_links_to_the_file_for_its_plan(viewer_client):
    ActivityFactory()
    page = viewer_client.get(REPORT_URL).content.decode()

    link = f"{reverse('reports:iati_file', args=['ASP', 2026])}?plan=WTDC-25"
    assert link == "/reports/ASP/2026/iati.xml?plan=WTDC-25"
    assert f'<a href="{link}" download>' in page
    response = viewer_client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="iati-ASP-2026.xml"'


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    ActivityFactory()

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "traits",
    [
        {},  # signed in, with no role
        {"role": "Viewer"},
        {"role": "Editor", "regions": ["AFR"]},
        {"role": "Editor", "regions": ["ASP"]},
    ],
)
def test_whoever_may_read_the_regional_report_may_download_the_file(client, traits):
    ActivityFactory()
    client.force_login(UserFactory(**traits))

    assert client.get(URL).status_code == client.get(REPORT_URL).status_code


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/reports/XYZ/2026/iati.xml", 404),
        ("/reports/asp/2026/iati.xml", 404),
        ("/reports/ASP/2026/iati.xml?plan=WTDC-99", 404),
        ("/reports/ASP/1999/iati.xml", 400),
        ("/reports/ASP/2027/iati.xml", 404),  # no activity to publish that year
    ],
)
def test_bad_region_plan_or_year_answer_404_or_400(viewer_client, url, status):
    ActivityFactory()

    assert viewer_client.get(url).status_code == status


def test_the_number_of_queries_does_not_grow_with_the_activities():
    def populate(count):
        for index in range(count):
            activity = ActivityFactory(
                countries=["TON", "FJI"],
                expected_results=["ASP1.3", "ASP3.4"],
                partners="APNIC",
                budget=(1000 + index, FundingSource.EXTRA_BUDGETARY),
            )
            report = approved_report(activity, 2026, 1)
            IndicatorValue.objects.create(report=report, indicator=indicator, value=index)

    region, plan = Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25")

    def queries():
        with CaptureQueriesContext(connection) as context:
            document = iati.region_document(region, plan, 2026)
        return len(document), len(context.captured_queries)

    indicator = IndicatorFactory()
    Target.objects.create(indicator=indicator, year=2026, value=Decimal("40"))
    populate(2)
    activities, few = queries()
    assert activities == 2
    populate(8)
    assert queries() == (10, few)
    assert few <= 11  # the plan's results, then build_document's ten


# --- The command


def test_the_command_writes_a_valid_file(tmp_path):
    activity = ActivityFactory(reference="ITU-ASP-001")
    path = tmp_path / "iati.xml"
    err = io.StringIO()

    call_command("export_iati", "ASP", "2026", "--output", str(path), stderr=err)

    document = etree.parse(str(path)).getroot()
    assert iati.validate(document) == []
    assert document.findtext("iati-activity/iati-identifier") == identifier(activity)
    assert f"Wrote 1 activities to {path}" in err.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["iati.xml"]  # no partial file left


def test_the_command_replaces_a_published_file_whole(tmp_path, monkeypatch):
    """The new file is written beside the published one and renamed over it: a reader never
    finds half a file, and a failed write leaves the published one as it was."""
    ActivityFactory()
    path = tmp_path / "iati.xml"
    path.write_text("the file published yesterday")

    def fail(self, content):
        self.write_text(content[:10].decode())  # a write cut short (a full disk)
        raise OSError("No space left on device")

    monkeypatch.setattr(type(path), "write_bytes", fail)
    with pytest.raises(OSError):
        call_command("export_iati", "ASP", "2026", "--output", str(path))
    assert path.read_text() == "the file published yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["iati.xml"]
    monkeypatch.undo()

    call_command("export_iati", "ASP", "2026", "--output", str(path), stderr=io.StringIO())
    assert iati.validate(etree.parse(str(path)).getroot()) == []


def test_the_command_writes_to_standard_output_and_all_regions_at_once():
    initiative_with_results("AFR", "AFR1")
    asp = ActivityFactory()
    afr = ActivityFactory(
        region=Region.objects.get(code="AFR"), countries=["KEN"], expected_results=["AFR1.1"]
    )
    out = io.StringIO()

    call_command("export_iati", "ASP", "2026", stdout=out)
    document = etree.fromstring(out.getvalue().encode())
    assert element_of(document, asp) is not None
    assert element_of(document, afr) is None

    out = io.StringIO()
    call_command("export_iati", "--all-regions", "2026", "--plan", "WTDC-25", stdout=out)
    document = etree.fromstring(out.getvalue().encode())
    assert element_of(document, asp) is not None
    assert element_of(document, afr).findtext("result/reference/../title/narrative")
    assert iati.validate(document) == []


def test_the_command_refuses_an_invalid_document_and_names_the_errors(monkeypatch, tmp_path):
    ActivityFactory()

    def without_titles(activities, year, generated_at=None):
        document = build(activities, year, generated_at)
        for title in document.xpath("iati-activity/title"):
            title.getparent().remove(title)
        return document

    build = iati.build_document
    monkeypatch.setattr(iati, "build_document", without_titles)
    path = tmp_path / "iati.xml"

    with pytest.raises(CommandError) as error:
        call_command("export_iati", "ASP", "2026", "--output", str(path))

    message = str(error.value)
    assert "does not validate against the 2.03 schema" in message
    assert "description" in message and "Expected is ( title )" in message
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["XYZ", "2026"], "There is no region with the code 'XYZ'"),
        (["ASP", "2026", "--all-regions"], "not both"),
        (["ASP", "2026", "--plan", "WTDC-99"], "There is no action plan with this code"),
        (["ASP", "2027"], "No activity to publish"),
    ],
)
def test_the_command_explains_what_it_cannot_do(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_iati", *args)


# --- Editors keep an activity out of the file


def test_an_editor_keeps_an_activity_out_and_its_page_says_so(client, asp_editor):
    activity = ActivityFactory(created_by=asp_editor)
    client.force_login(asp_editor)
    edit_url = reverse("activities:activity_edit", args=[activity.pk])

    form = client.get(edit_url).content.decode()
    assert re.search(r'<input type="checkbox" name="iati_excluded"[^>]*id="id_iati_excluded"', form)
    assert '<label for="id_iati_excluded">' in form

    response = client.post(edit_url, activity_form_data(activity, iati_excluded="on"))

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.iati_excluded is True
    assert "Kept out of the IATI publication" in client.get(activity.get_absolute_url()).text
    assert element_of(asp_document(), activity) is None


def test_the_activity_page_says_nothing_of_it_when_published(client, asp_editor):
    activity = ActivityFactory()
    client.force_login(asp_editor)

    assert "IATI publication" not in client.get(activity.get_absolute_url()).text


def test_the_admin_shows_and_filters_the_flag(client, superuser):
    activity = ActivityFactory(iati_excluded=True)
    client.force_login(superuser)

    change = client.get(reverse("admin:activities_activity_change", args=[activity.pk]))
    listed = client.get(
        reverse("admin:activities_activity_changelist"), {"iati_excluded__exact": 1}
    )

    assert change.status_code == 200
    assert "iati_excluded" in change.context["adminform"].form.fields
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [activity]
