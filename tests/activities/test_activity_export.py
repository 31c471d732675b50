"""The activity list as a file: CSV (streamed, UTF-8 with BOM) and XLSX, with exactly the
activities of the list's current filters, in the import's columns, escaped against formula
injection, in a number of queries that does not grow with the rows."""

import csv
import datetime
import decimal
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import spreadsheets
from activities.models import Activity, TargetGroup
from activities.spreadsheets import HEADERS, export
from initiatives.models import ExpectedResult, Region
from tests.factories import (
    ActivityFactory,
    UserFactory,
    expected_result,
    initiative_with_results,
)

CSV_URL = "/activities/export.csv"
XLSX_URL = "/activities/export.xlsx"


def content(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    """The rows of a CSV export, the header first; the file must start with a BOM."""
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def xlsx_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    return workbook["Activities"]


def xlsx_rows(response):
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def as_csv_text(value):
    """An XLSX cell's value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{decimal.Decimal(str(value)):.2f}"
    return str(value)


def tracker_ids(rows):
    return {row[0] for row in rows[1:]}


def full_activity():
    """An activity with every column filled."""
    focal_point = UserFactory(username="mele", email="Mele.Tonga@example.org")
    activity = ActivityFactory(
        reference="ASP-2026-014",
        title="IXP feasibility study",
        description="A study, with accents: Nukuʻalofa, Côte d’Ivoire.",
        countries=["TON", "FJI"],
        expected_results=["ASP3.4", "ASP1.3"],
        status=Activity.Status.ONGOING,
        modality=Activity.Modality.CAPACITY_BUILDING,
        start_date=datetime.date(2026, 3, 5),
        end_date=datetime.date(2026, 12, 31),
        budget=("25000.50", Activity.FundingSource.ICT_DF),
        partners="APNIC, Tonga MEIDECC",
        focal_point=focal_point,
        planned_participants_women=120,
        planned_participants_men=95,
    )
    activity.target_groups.set(TargetGroup.objects.filter(code__in=["youth", "women-and-girls"]))
    return activity


def test_it_exports_the_columns_in_order_with_labels_codes_and_iso_dates(client, viewer):
    activity = full_activity()
    client.force_login(viewer)

    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="activities-{today}.csv"'
    header, row = csv_rows(response)
    assert header == HEADERS
    assert header[:4] == ["tracker id", "reference", "title", "description"]
    assert row == [
        str(activity.uid),
        "ASP-2026-014",
        "IXP feasibility study",
        "A study, with accents: Nukuʻalofa, Côte d’Ivoire.",
        "FJI; TON",
        "ASP1.3; ASP3.4",
        "Ongoing",
        "Capacity building/training",
        "2026-03-05",
        "2026-12-31",
        "APNIC, Tonga MEIDECC",
        "Women and girls; Youth",
        "Mele.Tonga@example.org",
        "120",
        "95",
    ]


def test_the_csv_has_no_budget_columns(client, viewer):
    """A CSV has one sheet: an activity's money is in its budget lines, on the second sheet of
    the XLSX (tests/activities/test_budget_line_spreadsheets.py)."""
    full_activity()
    client.force_login(viewer)

    header, _row = csv_rows(client.get(CSV_URL))

    assert not {"budget", "currency", "funding source"} & set(header)


def test_empty_optional_columns_export_as_empty_cells(client, viewer):
    ActivityFactory(end_date=None)
    client.force_login(viewer)

    header, row = csv_rows(client.get(CSV_URL))
    values = dict(zip(header, row, strict=True))

    assert values["end date"] == ""
    assert values["focal point e-mail"] == values["target groups"] == values["reference"] == ""
    assert values["planned participants women"] == values["planned participants men"] == "0"


def test_the_xlsx_has_the_same_rows_with_dates_and_numbers_as_such(client, viewer):
    activity = full_activity()
    ActivityFactory(title="Second", end_date=None)
    client.force_login(viewer)

    csv_response = client.get(CSV_URL)
    response = client.get(XLSX_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="activities-{today}.xlsx"'
    sheet = xlsx_sheet(response)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    # Same cells as the CSV, once dates and numbers are read back as text.
    assert [[as_csv_text(value) for value in row] for row in rows] == csv_rows(csv_response)
    row = dict(zip(HEADERS, next(r for r in rows[1:] if r[0] == str(activity.uid)), strict=True))
    assert row["start date"] == datetime.datetime(2026, 3, 5)
    assert row["end date"] == datetime.datetime(2026, 12, 31)
    assert row["planned participants women"] == 120 and row["planned participants men"] == 95
    assert row["countries"] == "FJI; TON" and row["status"] == "Ongoing"
    assert row["focal point e-mail"] == "Mele.Tonga@example.org"
    # The header is bold and frozen; dates and numbers show as on the pages.
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    row_number = rows.index(list(row.values())) + 1
    start_cell = sheet.cell(row=row_number, column=9)
    assert start_cell.is_date and start_cell.number_format == "d mmm yyyy"

    def cell(header):
        return sheet.cell(row=row_number, column=HEADERS.index(header) + 1)

    assert cell("planned participants women").number_format == "#,##0"
    assert sheet.column_dimensions["C"].width == 40


FILTERS = [
    {},
    {"status": "ongoing"},
    {"status": ["planned", "completed"]},
    {"region": "AFR"},
    {"country": "TON"},
    {"q": "IXP"},
    {"archived": "all"},
    {"archived": "only"},
    {"result": "ASP3.4", "sort": "title"},
]


@pytest.mark.parametrize("query", FILTERS)
def test_the_export_holds_exactly_the_activities_the_list_counts(client, viewer, query):
    # More than one page of the list (50 a page): the export holds every page.
    ActivityFactory.create_batch(52, countries=["FJI"])
    ActivityFactory(title="IXP study", countries=["TON"], expected_results=["ASP3.4"])
    ActivityFactory(title="Planned one", status=Activity.Status.PLANNED, countries=["TON"])
    ActivityFactory(title="Done", status=Activity.Status.COMPLETED, expected_results=["ASP3.4"])
    ActivityFactory(title="Archived", archived_at=timezone.now(), countries=["TON"])
    ActivityFactory(title="In Kenya", region=Region.objects.get(code="AFR"), countries=["KEN"])
    client.force_login(viewer)

    listed = client.get("/activities/", query).context["paginator"]
    csv_ids = tracker_ids(csv_rows(client.get(CSV_URL, query)))
    xlsx_ids = tracker_ids(xlsx_rows(client.get(XLSX_URL, query)))

    expected = {str(uid) for uid in listed.object_list.values_list("uid", flat=True)}
    assert len(csv_ids) == listed.count > 0
    assert csv_ids == xlsx_ids == expected


def test_archived_activities_are_exported_only_when_the_filter_asks(client, viewer):
    ActivityFactory(title="Current")
    ActivityFactory(title="Archived", archived_at=timezone.now())
    client.force_login(viewer)

    def titles(query):
        return sorted(row[2] for row in csv_rows(client.get(CSV_URL, query))[1:])

    assert titles({}) == ["Current"]
    assert titles({"archived": "only"}) == ["Archived"]
    assert titles({"archived": "all"}) == ["Archived", "Current"]


def test_the_rows_come_in_the_order_of_the_list(client, viewer):
    for title in ["Bravo", "Alpha", "Charlie"]:
        ActivityFactory(title=title)
    client.force_login(viewer)

    rows = csv_rows(client.get(CSV_URL, {"sort": "-title"}))

    assert [row[2] for row in rows[1:]] == ["Charlie", "Bravo", "Alpha"]


DANGEROUS = {
    "title": '=HYPERLINK("http://evil.example","Click")',
    "partners": "+41 22 730 5111",
    "description": "-2+3",
    "reference": "@SUM(A1)",
}


def test_cells_that_start_like_a_formula_are_escaped_in_the_csv(client, viewer):
    ActivityFactory(**DANGEROUS)
    ActivityFactory(title="\tTabbed", partners="\rReturned", description="a = b, -c")
    client.force_login(viewer)

    header, *rows = csv_rows(client.get(CSV_URL))
    by_title = {row[2]: dict(zip(header, row, strict=True)) for row in rows}

    row = by_title["'" + DANGEROUS["title"]]
    assert row["partners"] == "'+41 22 730 5111"
    assert row["description"] == "'-2+3"
    assert row["reference"] == "'@SUM(A1)"
    other = by_title["'\tTabbed"]
    assert other["partners"] == "'\rReturned"
    assert other["description"] == "a = b, -c"  # only the first character counts


def test_cells_that_start_like_a_formula_are_escaped_text_in_the_xlsx(client, viewer):
    ActivityFactory(**DANGEROUS)
    client.force_login(viewer)

    sheet = xlsx_sheet(client.get(XLSX_URL))

    cells = dict(zip(HEADERS, sheet[2], strict=True))
    for header, value in DANGEROUS.items():
        cell = cells[header]
        assert cell.data_type == "s", header  # text, never a formula
        assert cell.value == "'" + value
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, viewer):
    client.force_login(viewer)

    def queries(url):
        cache.clear()  # the filter choices are kept until reference data changes
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            content(response)
        return len(context.captured_queries)

    def populate(count):
        for _ in range(count):
            activity = ActivityFactory(
                countries=["TON", "FJI"],
                expected_results=["ASP1.3", "ASP3.4"],
                focal_point=viewer,
            )
            activity.target_groups.set(TargetGroup.objects.filter(code="youth"))

    populate(5)
    few_csv, few_xlsx = queries(CSV_URL), queries(XLSX_URL)
    populate(55)
    assert Activity.objects.count() == 60
    assert queries(CSV_URL) == few_csv
    assert queries(XLSX_URL) == few_xlsx


def row_of(activity):
    """The row of `activity` worked out the slow, obvious way, from its model instance (as the
    export did before it read plain values): what the export's rows are checked against."""
    focal_point = activity.focal_point
    cells = [
        str(activity.uid),
        activity.reference,
        activity.title,
        activity.description,
        "; ".join(country.iso3 for country in activity.countries.order_by("iso3")),
        "; ".join(
            result.code
            for result in activity.expected_results.order_by("initiative__code", "number")
        ),
        activity.get_status_display(),
        activity.get_modality_display(),
        activity.start_date,
        activity.end_date,
        activity.partners,
        "; ".join(group.name for group in activity.target_groups.order_by("order", "name")),
        focal_point.email if focal_point else "",
        activity.planned_participants_women,
        activity.planned_participants_men,
    ]
    return [spreadsheets.escape_formula(c) if isinstance(c, str) else c for c in cells]


def csv_of(rows):
    """The bytes of a CSV export of `rows`: BOM, header, CRLF lines, ISO dates, plain decimals."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows([spreadsheets.csv_text(value) for value in row] for row in rows)
    return ("\ufeff" + text.getvalue()).encode()


def as_read_from_xlsx(value):
    """A cell's value as openpyxl reads it back: dates as datetimes, decimals as numbers, an
    empty text as an empty cell."""
    if value == "":
        return None
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def varied_activities():
    """Activities that differ in every way a row can: each status and modality, budget lines
    of each funding source (and none) from none to large, no end date, no focal point, texts
    that start like
    formulas, no links or several (expected results of two initiatives, sorted by initiative
    then number: AFR2.2; AFR2.11; ASP1.3; target groups of the same order sorted by name), an
    archived one, ties in the list's default order."""
    full_activity()
    signs = UserFactory(username="signs", email="+alerts@example.org")
    artisans = TargetGroup.objects.create(code="artisans", name="Artisans", order=2)
    afr2 = initiative_with_results("AFR", "AFR2", results=0)
    # Made out of the order of their numbers, so that only ordering by number sorts them.
    afr2_results = [
        ExpectedResult.objects.create(initiative=afr2, number=number, text=f"Result {number}.")
        for number in (11, 2)
    ]
    statuses, modalities = list(Activity.Status), list(Activity.Modality)
    funding_sources = [*Activity.FundingSource]
    budgets = [None, "0", "0.05", "1000"]
    for n, modality in enumerate(modalities):
        activity = ActivityFactory(
            title=f"Activity {n % 3}",  # same titles and start dates: ties the list breaks
            reference=f"REF-{n}" if n % 2 else "",
            description=DANGEROUS["description"] if n == 1 else f"Line one\nline two of {n}",
            status=statuses[n % len(statuses)],
            modality=modality,
            start_date=datetime.date(2026, 1 + n % 2, 1),
            end_date=None if n % 3 == 0 else datetime.date(2027, 6, 30),
            budget=budgets[n % len(budgets)]
            and (
                budgets[n % len(budgets)],
                funding_sources[n % len(funding_sources)],
                "EUR" if n == 2 else "USD",
            ),
            partners=DANGEROUS["partners"] if n == 3 else 'APNIC, "ISOC"; the regulator',
            focal_point=signs if n % 2 else None,
            planned_participants_women=n,
            planned_participants_men=1000 * n,
            countries=[["TON", "FJI", "WSM"], [], ["PNG"]][n % 3],
            expected_results=[["ASP3.4", "ASP1.3"], [], ["ASP5.1"]][n % 3],
        )
        if n % 2:
            groups = TargetGroup.objects.filter(code__in=["youth", "women-and-girls"])
            activity.target_groups.set([*groups, artisans])
    in_kenya = ActivityFactory(
        title=DANGEROUS["title"],
        reference=DANGEROUS["reference"],
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        budget=("123456789012.34", Activity.FundingSource.REGULAR_BUDGET),
    )
    in_kenya.expected_results.set([*afr2_results, expected_result("ASP1.3")])
    ActivityFactory(title="Archived", archived_at=timezone.now(), countries=["TON"])


@pytest.mark.parametrize("chunk_size", [2, export.EXPORT_CHUNK_SIZE])
@pytest.mark.parametrize(
    "query",
    [{}, {"sort": "title"}, {"sort": "-end_date", "archived": "all"}, {"sort": "region"}],
)
def test_the_csv_is_every_activity_of_the_list_as_its_instance_tells_it(
    client, viewer, monkeypatch, chunk_size, query
):
    varied_activities()
    # Chunks of 2 put chunk boundaries between activities whose links must not mix.
    monkeypatch.setattr(export, "EXPORT_CHUNK_SIZE", chunk_size)
    client.force_login(viewer)

    listed = client.get("/activities/", query).context["paginator"].object_list
    data = content(client.get(CSV_URL, query))

    expected = [row_of(activity) for activity in listed]
    assert len(expected) == Activity.objects.count() - (0 if "archived" in query else 1)
    assert data == csv_of(expected)


def test_the_xlsx_is_every_activity_of_the_list_as_its_instance_tells_it(
    client, viewer, monkeypatch
):
    varied_activities()
    monkeypatch.setattr(export, "EXPORT_CHUNK_SIZE", 2)
    client.force_login(viewer)

    listed = client.get("/activities/", {"archived": "all"}).context["paginator"].object_list
    header, *rows = xlsx_rows(client.get(XLSX_URL, {"archived": "all"}))

    assert header == HEADERS
    assert rows == [[as_read_from_xlsx(value) for value in row_of(a)] for a in listed]


def test_the_export_makes_one_query_for_the_activities_and_three_a_chunk(
    db, django_assert_num_queries, monkeypatch
):
    for _ in range(7):
        activity = ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3"])
        activity.target_groups.set(TargetGroup.objects.filter(code="youth"))
    monkeypatch.setattr(export, "EXPORT_CHUNK_SIZE", 3)

    with django_assert_num_queries(1 + 3 * 3):  # chunks of 3, 3 and 1 activities
        rows = list(spreadsheets.export_rows(Activity.objects.all()))

    assert len(rows) == 7
    assert all(row[4:6] == ["FJI; TON", "ASP1.3"] and row[11] == "Youth" for row in rows)


def test_invalid_filters_make_no_file_and_the_list_says_why(client, viewer):
    ActivityFactory()
    client.force_login(viewer)

    response = client.get(CSV_URL, {"status": "finished", "year": "20x6"})

    assert response.status_code == 302
    assert (
        response["Location"] == reverse("activities:activity_list") + "?status=finished&year=20x6"
    )
    page = client.get(response["Location"]).content.decode()
    assert "No file was made: some filters are not valid." in page
    assert "Unknown status" in page
    assert client.get(XLSX_URL, {"region": "XYZ"}).status_code == 302


def test_the_list_links_to_both_files_with_its_filters(client, viewer):
    ActivityFactory()
    client.force_login(viewer)

    page = client.get("/activities/", {"status": "ongoing", "page": "1"}).content.decode()

    assert '<a href="/activities/export.csv?status=ongoing" download>Download CSV</a>' in page
    assert '<a href="/activities/export.xlsx?status=ongoing" download>Download Excel</a>' in page


def test_the_list_offers_no_download_while_a_filter_is_invalid(client, viewer):
    client.force_login(viewer)

    page = client.get("/activities/", {"status": "finished"}).content.decode()

    assert "Download CSV" not in page


@pytest.mark.parametrize("persona", ["viewer", "asp_editor", "afr_editor", "superuser"])
def test_every_signed_in_user_may_export(client, db, request, persona):
    ActivityFactory()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(CSV_URL).status_code == 200
    assert client.get(XLSX_URL).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    ActivityFactory(title="Secret plans")

    response = client.get(CSV_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
