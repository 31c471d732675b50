"""Export → edit → import round-trips: the file the list gives back imports as exactly the
changes made to it, for CSV and for Excel."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity, ImportBatch
from tests.factories import ActivityFactory


@pytest.fixture
def activities(db):
    """Two activities, one without a reference: the tracker id still finds it."""
    return [
        ActivityFactory(
            title="Cyberdrill for Pacific CIRTs",
            reference="ITU-RAS-7",
            countries=["TON", "FJI"],
            expected_results=["ASP5.1", "ASP5.2"],
            partners="=HYPERLINK('x')",  # escaped on the way out, restored on the way in
        ),
        ActivityFactory(
            title="IXP study, Timor-Leste", countries=["TLS"], expected_results=["ASP3.4"]
        ),
    ]


def import_file(client, name, data):
    preview = client.post(
        reverse("activities:activity_import"), {"file": SimpleUploadedFile(name, data)}
    )
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert not plan.has_errors, [m for row in plan.error_rows for m in row.messages]
    batch = ImportBatch.objects.latest("created_at")
    return plan, client.post(reverse("activities:activity_import_confirm", args=[batch.pk]))


def state():
    return {
        a.uid: (
            a.title,
            a.status,
            a.partners,
            sorted(c.iso3 for c in a.countries.all()),
            sorted(r.code for r in a.expected_results.all()),
            a.version,
        )
        for a in Activity.objects.all()
    }


def test_a_csv_export_edited_in_two_cells_imports_as_those_two_changes(
    client, asp_editor, activities
):
    client.force_login(asp_editor)
    response = client.get(reverse("activities:activity_export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    study = next(row for row in rows[1:] if row[header.index("title")] == "IXP study, Timor-Leste")
    study[header.index("status")] = "Completed"
    study[header.index("countries")] = "TLS; IDN"
    before = state()

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    plan, response = import_file(client, "activities.csv", out.getvalue().encode("utf-8-sig"))

    assert [row.action for row in plan.rows].count("unchanged") == 1
    assert response.status_code == 302
    after = state()
    drill, study_activity = activities[0], activities[1]
    assert after[drill.uid] == before[drill.uid]
    title, _, partners, _, results, version = before[study_activity.uid]
    assert after[study_activity.uid] == (
        title,
        "completed",
        partners,
        ["IDN", "TLS"],
        results,
        version + 1,
    )
    assert Activity.objects.count() == 2


def test_an_excel_export_imported_unchanged_changes_nothing(client, asp_editor, activities):
    client.force_login(asp_editor)
    response = client.get(reverse("activities:activity_export_xlsx"))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert load_workbook(io.BytesIO(data)).active.max_row == 3
    before = state()
    history = Activity.history.count()

    preview = client.post(
        reverse("activities:activity_import"), {"file": SimpleUploadedFile("a.xlsx", data)}
    )

    assert [row.action for row in preview.context["plan"].rows] == ["unchanged", "unchanged"]
    assert state() == before
    assert Activity.history.count() == history
    assert before[activities[0].uid][2] == "=HYPERLINK('x')"
