"""Text people type is shown as text, everywhere: markup and template syntax stored in an
activity, a progress report, a country's note, an initiative, a person's name — or typed into a
filter, a form or a file name — is escaped on every page the URL walk reaches (dashboards
included), and spreadsheets hold it exactly as typed. Arabic, Hebrew, Chinese and emoji come
through unchanged.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from openpyxl import load_workbook

from activities.models import Activity, ImportBatch, TargetGroup
from initiatives.models import Country, Initiative
from tests.factories import activity_form_data, csv_file, expected_result, import_row
from tests.url_samples import (
    build_world,
    described,
    request,
    sample_path,
    status_of,
    walked_routes,
)

PAYLOAD = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }} {% now "Y" %} '
    "مشروع تدريب הכשרה 频谱 📡"
)
# What must never reach a page as markup.
RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>"]


def marked(what, limit=None):
    """The payload, after a word saying where it was stored (cut to the field's `limit`)."""
    return f"{what}: {PAYLOAD}"[:limit]


def html_of(response):
    return response.content.decode() if "html" in response.get("Content-Type", "") else ""


def assert_no_markup(response, where):
    page = html_of(response)
    for raw in RAW:
        assert raw not in page, f"{where}: {raw} is not escaped"
    assert 'href="javascript:' not in page.lower(), f"{where}: a javascript: link"


@pytest.fixture
def world(db):
    """The URL walk's world, with the payload in everything people type."""
    world = build_world()
    activity = world.asp_activity
    activity.title = marked("Title", 300)
    activity.description = marked("Description")
    activity.partners = marked("Partners")
    activity.save()
    group = TargetGroup.objects.order_by("pk").first()
    TargetGroup.objects.filter(pk=group.pk).update(name=marked("Group", 100))
    activity.target_groups.add(group)
    report = world.approved
    report.achievements = marked("Achievements")
    report.challenges = marked("Challenges")
    report.next_steps = marked("Next steps")
    report.review_comment = marked("Comment")
    report.evidence_links = 'https://itu.int/"><img/src=x/onerror=alert(1)>\njavascript:alert(1)'
    report.save()
    Country.objects.filter(iso3="TON").update(note=marked("Note"))
    Initiative.objects.filter(code="ASP1").update(
        title=marked("Initiative", 300), objective=marked("Objective")
    )
    result = expected_result("ASP1.3")
    result.text = marked("Result")
    result.save()
    editor = world.users["asp_editor"]
    editor.first_name = marked("Name", 150)
    editor.save()
    return world


# --- Every page of the walk ------------------------------------------------------------------

ROUTES = walked_routes()


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_no_page_shows_stored_text_as_markup(world, route):
    path = sample_path(route, world)
    for persona in ("viewer", "asp_editor"):  # the reader, and the writer who sees the forms
        outcome = request(world.client(persona), "get", path, {"year": "2026"})
        assert status_of(outcome) < 500, f"GET {path} as {persona}: {described(outcome)}"
        assert_no_markup(outcome, f"GET {path} as {persona}")


# Pages and the stored texts each shows, escaped: the check above could pass on a page that
# shows nothing at all, these prove the texts are there.
SHOWN = [
    ("activities:activity_list", ["Title", "Result"]),
    ("activities:activity_detail", ["Title", "Description", "Partners", "Result", "Group", "Name"]),
    ("activities:activity_history", ["Title", "Description", "Partners"]),
    ("activities:activity_edit", ["Title", "Description", "Partners", "Result", "Initiative"]),
    ("activities:report_detail", ["Achievements", "Challenges", "Next steps", "Comment"]),
    ("home", ["Initiative"]),
    ("initiatives:initiative_list", ["Initiative"]),
    ("reports:initiative_detail", ["Initiative", "Objective", "Result"]),
    ("reports:country_detail", ["Note"]),
]
LIMITS = {"Title": 300, "Initiative": 300, "Group": 100, "Name": 150}


@pytest.mark.parametrize(("name", "fields"), SHOWN, ids=[name for name, _ in SHOWN])
def test_pages_show_stored_text_escaped_and_whole(world, name, fields):
    route = next(route for route in ROUTES if route.name == name)
    world.approved.refresh_from_db()
    kwargs = {}
    if name == "activities:report_detail":  # the report with the texts
        kwargs = {"pk": world.approved.activity_id, "report_pk": world.approved.pk}
    response = world.client("asp_editor").get(sample_path(route, world, **kwargs))
    assert response.status_code == 200
    page = response.content.decode()
    for field in fields:
        assert escape(marked(field, LIMITS.get(field))) in page, f"{field} is not shown on {name}"
    assert_no_markup(response, name)


def test_evidence_links_are_linked_only_when_they_are_web_addresses(world):
    response = world.client("viewer").get(world.approved.get_absolute_url())
    page = response.content.decode()
    assert escape('https://itu.int/"><img/src=x/onerror=alert(1)>') in page
    assert "<img/src" not in page
    assert "javascript:alert(1)" in page  # shown as text, not a link
    assert 'href="javascript:' not in page


# --- Spreadsheets hold the text as typed -----------------------------------------------------


def test_the_csv_export_holds_the_text_as_typed(world):
    response = world.client("viewer").get("/activities/export.csv", {"q": "Title"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    (row,) = rows
    assert marked("Title", 300) in row.values()
    assert marked("Description") in row.values()
    assert marked("Partners") in row.values()
    assert "&lt;" not in text


def test_the_xlsx_export_holds_the_text_as_typed(world):
    response = world.client("viewer").get("/activities/export.xlsx", {"q": "Title"})
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {marked("Title", 300), marked("Description"), marked("Partners")} <= values


# --- What people type comes back escaped -----------------------------------------------------


def test_filter_values_come_back_escaped(world):
    client = world.client("viewer")
    query = {"q": PAYLOAD[:200], "region": PAYLOAD, "sort": PAYLOAD, "page": PAYLOAD}
    response = client.get("/activities/", query)
    assert response.status_code == 200
    assert escape(PAYLOAD[:200]) in response.content.decode()
    assert_no_markup(response, "the activity list")
    for path in ("/initiatives/", "/countries/"):
        response = client.get(path, {"plan": PAYLOAD, "region": PAYLOAD})
        assert_no_markup(response, path)


def test_a_refused_form_shows_the_input_escaped(world):
    client = world.client("asp_editor")
    data = activity_form_data(title=PAYLOAD, partners=PAYLOAD, start_date="not a date")
    response = client.post("/activities/new/", data)
    assert response.status_code == 200
    assert escape(PAYLOAD) in response.content.decode()
    assert_no_markup(response, "the activity form")
    assert not Activity.objects.filter(title=PAYLOAD).exists()


@pytest.mark.parametrize(
    "filename", ['"><svg onload=alert(1)>.csv', "<img src=x onerror=alert(1)>.csv"]
)
def test_an_imported_file_name_is_shown_escaped(world, filename):
    client = world.client("asp_editor")
    upload = SimpleUploadedFile(filename, csv_file([import_row()]), content_type="text/csv")
    response = client.post("/activities/import/", {"file": upload})
    assert response.status_code == 200
    assert escape(filename) in response.content.decode()
    assert_no_markup(response, "the import preview")
    batch = ImportBatch.objects.get(filename=filename)
    response = client.post(f"/activities/import/{batch.pk}/confirm/", follow=True)
    assert f"Imported from {escape(filename)}" in response.content.decode()
    assert_no_markup(response, "the message after the import")
