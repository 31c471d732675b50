"""Any text, in any text field, never breaks an export (hypothesis). Once one U+FFFF in a title
made every XLSX and DOCX export answer 500 for everyone.

Each example puts generated text — any characters, the usual attacks, and characters the text
validator refuses (noncharacters, control characters, bidirectional overrides) — into the
texts of an activity and of a progress report, either as the Asia-Pacific editor types them into
the forms (saved, or refused with the error at the field: never a 500) or stored directly, as
rows saved before the validator may hold them (a budget line's partner and currency too); and
into a cell of an import file, on the sheet of activities or of budget lines (never a 500; what
the import saves, the validator accepts). Then it downloads the activity list's CSV and
XLSX and one more export (the regional report's XLSX or DOCX, or a dashboard table), and opens
each file: 200, a file that parses, no cell a formula.
"""

import csv
import io

import docx
import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from activities.models import Activity, BudgetLine, FundingSource, ProgressReport, TargetGroup
from activities.spreadsheets import BUDGET_COLUMNS, COLUMNS, HEADERS, xml_safe
from initiatives.currencies import CURRENCIES
from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative, Region
from initiatives.validators import validate_multiline_text, validate_text
from reports.exports import TABLES
from tests.factories import (
    ActivityFactory,
    activity_form_data,
    approved_report,
    budget_line_row,
    import_row,
    progress_report_form_data,
    xlsx_with_budget_lines,
)
from tests.fuzzing import (
    ANY_CHARACTER,
    FUZZ,
    LINE_CHARACTER,
    TEXT_CHARACTER,
    any_text,
    is_refused,
    one_example,
    text_with_refused_characters,
)
from tests.url_samples import described, status_of
from tests.url_samples import request as send

ONE_LINE = {"title", "reference"}
ACTIVITY_TEXTS = ["title", "reference", "description", "partners"]
REPORT_TEXTS = ["achievements", "challenges", "next_steps"]
DEFAULTS = {"title": "IXP study", "reference": ""}


def typed_text(name):
    """What a person may type into the field `name`: text the validator accepts, any text,
    or text with a character it refuses; sometimes the field's usual value."""
    character = LINE_CHARACTER if name in ONE_LINE else TEXT_CHARACTER
    return st.one_of(
        st.just(DEFAULTS.get(name, "")),
        st.text(character, max_size=60),
        any_text(),
        text_with_refused_characters(),
    )


# --- Downloading every export ---------------------------------------------------------------


def opened_csv(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def opened_xlsx(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    return book


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def download(client, url, params=None):
    response = send(client, "get", url, params or {})
    assert status_of(response) == 200, described(response)
    return body(response)


def download_the_exports(client, data):
    """The activity list's CSV and XLSX, then one more export (drawn): the regional report's
    XLSX or DOCX, the import template, or one of the dashboard's tables as CSV or XLSX. Each
    answers 200 and opens (`client` is an editor's, who may download them all).
    (A DOCX takes half a second: one every few examples keeps a run short. Every export is
    downloaded each run by tests/test_export_unsafe_text.py.)"""
    opened_csv(download(client, reverse("activities:activity_export_csv")))
    opened_xlsx(download(client, reverse("activities:activity_export_xlsx")))
    export = data.draw(
        st.sampled_from(["report.xlsx", "report.docx", "template", "table"]), label="export"
    )
    if export == "report.xlsx":
        url = reverse("reports:regional_report_download", args=["ASP", 2026, "xlsx"])
        opened_xlsx(download(client, url))
    elif export == "report.docx":
        url = reverse("reports:regional_report_download", args=["ASP", 2026, "docx"])
        docx.Document(io.BytesIO(download(client, url)))
    elif export == "template":
        opened_xlsx(download(client, reverse("activities:import_template")))
    else:
        table = data.draw(st.sampled_from(sorted(TABLES)), label="table")
        file_format = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
        url = reverse("reports:table_download", args=["ASP", table, file_format])
        content = download(client, url, {"plan": "WTDC-25", "year": 2026})
        opened_csv(content) if file_format == "csv" else opened_xlsx(content)


# --- Typed into the forms --------------------------------------------------------------------


@pytest.fixture
def reported_activity(asp_editor):
    """An ongoing activity of Asia-Pacific with a budget line and an approved report: in every
    export."""
    activity = ActivityFactory(
        title="Spectrum training",
        countries=["TON"],
        created_by=asp_editor,
        budget=("5000", FundingSource.EXTRA_BUDGETARY),
    )
    approved_report(activity, 2026, 1, author=asp_editor)
    return activity


def check_form_outcome(response, sent, saved):
    """Saved (a redirect) with texts the validator accepts, or refused (200) with an error at
    each field whose text it refuses, and nothing saved."""
    assert status_of(response) in (200, 302), described(response)
    event("saved" if status_of(response) == 302 else "refused")
    if status_of(response) == 302:
        assert saved is not None
        for name, text in sent.items():
            stored = getattr(saved, name)
            validator = validate_text if name in ONE_LINE else validate_multiline_text
            validator(stored)
            assert not is_refused(text, one_line=name in ONE_LINE), f"{name}: {text!r} saved"
    else:
        assert saved is None
        errors = response.context["form"].errors
        assert errors
        for name, text in sent.items():
            if is_refused(text, one_line=name in ONE_LINE):
                assert name in errors, f"{name}: {text!r} must be refused at its field"


@FUZZ
@given(data=st.data())
def test_texts_typed_into_the_forms_never_break_an_export(
    asp_editor, asp_reviewer, reported_activity, data
):
    activity_texts = {name: data.draw(typed_text(name), label=name) for name in ACTIVITY_TEXTS}
    report_texts = {name: data.draw(typed_text(name), label=name) for name in REPORT_TEXTS}
    with one_example(asp_editor) as client:
        cache.clear()  # figures cached by an example rolled back are not this one's
        before = set(Activity.objects.values_list("pk", flat=True))
        form = activity_form_data(status=Activity.Status.ONGOING, **activity_texts)
        response = send(client, "post", reverse("activities:activity_create"), form)
        activity = Activity.objects.exclude(pk__in=before).first()
        check_form_outcome(response, activity_texts, activity)

        activity = activity or reported_activity
        url = reverse("activities:report_create", args=[activity.pk])
        response = send(client, "post", url, progress_report_form_data(**report_texts))
        report = activity.reports.filter(year=2026, quarter=3).first()
        check_form_outcome(response, report_texts, report)
        if report is not None:  # approved, so that the regional report shows its texts
            ProgressReport.objects.filter(pk=report.pk).update(
                state=ProgressReport.State.APPROVED,
                reviewer=asp_reviewer,
                reviewed_at=timezone.now(),
            )

        download_the_exports(client, data)


# --- Stored before the validator -------------------------------------------------------------


def stored_text(max_size=60):
    """Any text a database may hold: anything but lone surrogates (no driver sends one), often
    with characters the validator refuses; no NUL on PostgreSQL, which cannot store one."""
    text = st.one_of(
        st.text(ANY_CHARACTER, max_size=max_size),
        text_with_refused_characters(max_size),
        any_text(max_size),
    )
    if connection.vendor == "postgresql":
        text = text.map(lambda value: value.replace("\x00", ""))
    return text


@FUZZ
@given(data=st.data())
def test_texts_stored_before_the_validator_never_break_an_export(
    asp_editor, reported_activity, data
):
    def draw(label, prefix=""):
        return prefix + data.draw(stored_text(), label=label)

    with one_example(asp_editor) as client:
        cache.clear()
        Activity.objects.filter(pk=reported_activity.pk).update(
            title=draw("title")[:300],
            reference=draw("reference")[:50],
            description=draw("description"),
            partners=draw("partners"),
        )
        BudgetLine.objects.filter(activity=reported_activity).update(
            funding_partner=draw("funding partner", "A ")[:200], currency=draw("currency")[:3]
        )
        ProgressReport.objects.filter(activity=reported_activity).update(
            achievements=draw("achievements"), challenges=draw("challenges")
        )
        # Reference data too, each with a prefix that no other row has, so that names stay unique.
        Country.objects.filter(iso3="TON").update(name=draw("country", "Tonga")[:100])
        ExpectedResult.objects.filter(initiative__code="ASP1", number=3).update(
            text=draw("expected result", "ASP1.3 ")
        )
        Initiative.objects.filter(code="ASP1").update(
            title=draw("initiative", "ASP1 ")[:300], objective=draw("objective")
        )
        Region.objects.filter(code="ASP").update(name=draw("region", "Asia")[:100])
        ActionPlan.objects.filter(code="WTDC-25").update(name=draw("plan", "Baku")[:200])
        TargetGroup.objects.filter(pk=TargetGroup.objects.first().pk).update(
            name=draw("target group", "A group of ")[:100]
        )

        download_the_exports(client, data)


# --- A cell of an import file ----------------------------------------------------------------

TEXT_COLUMNS = [column.key for column in COLUMNS if column.key != "tracker_id"]


def import_csv(row, encoding_errors):
    """The bytes of an import CSV with `row` under every column's header."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerow([row.get(column.key, "") for column in COLUMNS])
    return text.getvalue().encode("utf-8", encoding_errors)


@FUZZ
@given(data=st.data())
def test_any_text_in_an_import_cell_never_gives_a_500(asp_editor, data):
    column = data.draw(st.sampled_from(TEXT_COLUMNS), label="column")
    lone_surrogate = st.builds(
        lambda text, surrogate: text + surrogate, any_text(20), st.characters(categories=["Cs"])
    )
    cell = data.draw(
        st.one_of(any_text(), text_with_refused_characters(), lone_surrogate), label="cell"
    )
    # A lone surrogate cannot be UTF-8: written as the bytes it would be, a file that is not.
    content = import_csv(import_row(**{column: cell}), encoding_errors="surrogatepass")
    with one_example(asp_editor) as client:
        cache.clear()
        upload = SimpleUploadedFile("activities.csv", content)
        response = send(client, "post", reverse("activities:activity_import"), {"file": upload})
        assert status_of(response) == 200, described(response)
        plan = response.context.get("plan")
        batch = response.context.get("batch")
        event("previewed" if plan is not None else "file refused")
        if batch is None:
            assert not Activity.objects.exists()
            return
        url = reverse("activities:activity_import_confirm", args=[batch.pk])
        response = send(client, "post", url)
        assert status_of(response) == 302, described(response)
        event("imported")
        activity = Activity.objects.get()
        for name in ["title", "reference"]:
            validate_text(getattr(activity, name))
        for name in ["description", "partners"]:
            validate_multiline_text(getattr(activity, name))
        opened_xlsx(download(client, reverse("activities:activity_export_xlsx")))


BUDGET_TEXT_COLUMNS = [column.key for column in BUDGET_COLUMNS]


@FUZZ
@given(data=st.data())
def test_any_text_in_a_budget_line_cell_never_gives_a_500(asp_editor, data):
    """A cell of the sheet "Budget lines" of an .xlsx (which holds no character XML cannot)."""
    column = data.draw(st.sampled_from(BUDGET_TEXT_COLUMNS), label="column")
    cell = data.draw(st.one_of(any_text(), text_with_refused_characters()), label="cell")
    line = budget_line_row(reference="ASP-1", funding_partner="A ministry")
    line[column] = xml_safe(cell)
    content = xlsx_with_budget_lines([import_row(reference="ASP-1")], [line])
    with one_example(asp_editor) as client:
        cache.clear()
        upload = SimpleUploadedFile("activities.xlsx", content)
        response = send(client, "post", reverse("activities:activity_import"), {"file": upload})
        assert status_of(response) == 200, described(response)
        batch = response.context.get("batch")
        event("previewed" if response.context.get("plan") is not None else "file refused")
        if batch is None:
            assert not Activity.objects.exists()
            return
        url = reverse("activities:activity_import_confirm", args=[batch.pk])
        response = send(client, "post", url)
        assert status_of(response) == 302, described(response)
        event("imported")
        for saved in BudgetLine.objects.all():
            validate_text(saved.funding_partner)
            assert saved.currency in CURRENCIES
        opened_xlsx(download(client, reverse("activities:activity_export_xlsx")))
