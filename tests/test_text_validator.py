"""The text validator (initiatives/validators.py): noncharacters, control characters, lone
surrogates and bidirectional overrides are refused in every text people type — through the
activity form, the progress report form, the review comment, the admin and the import — with a
message naming the character and where it is, and nothing saved. Right-to-left marks and text
in any script stay allowed; the reference data of fixtures/ passes it."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from activities.models import Activity, ImportBatch, ProgressReport
from initiatives.validators import TextValidator, validate_multiline_text, validate_text
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    activity_form_data,
    csv_file,
    import_row,
    progress_report_form_data,
    xlsx_file,
)
from tests.test_admin import admin_url, page_data

pytestmark = pytest.mark.django_db

OVERRIDE_MESSAGE = "This text contains U+202E RIGHT-TO-LEFT OVERRIDE at character 12"


def message_of(validator, text):
    with pytest.raises(ValidationError) as refused:
        validator(text)
    return refused.value


# --- The validator --------------------------------------------------------------------------


def test_it_names_a_bidirectional_override_and_where_it_is():
    error = message_of(validate_text, "Tonga IXP: \u202eyduts")
    assert error.code == "bidi_control"
    assert error.messages == [
        f"{OVERRIDE_MESSAGE}: a bidirectional control, which shows the text in another order "
        "than it is written; remove it."
    ]


@pytest.mark.parametrize(
    ("text", "code", "named"),
    [
        ("ab\ufffe", "noncharacter", "U+FFFE at character 3"),
        ("ab\uffff", "noncharacter", "U+FFFF at character 3"),
        ("\ufdd0", "noncharacter", "U+FDD0 at character 1"),
        ("a\U0001fffe", "noncharacter", "U+1FFFE at character 2"),
        ("a\U0010ffff", "noncharacter", "U+10FFFF at character 2"),
        ("a\x00", "control_character", "U+0000 NULL at character 2"),
        ("a\x07b", "control_character", "U+0007 at character 2"),
        ("a\x1bb", "control_character", "U+001B ESCAPE at character 2"),
        ("a\x7fb", "control_character", "U+007F DELETE at character 2"),
        ("a\x85b", "control_character", "U+0085 NEXT LINE at character 2"),
        ("a\x9fb", "control_character", "U+009F at character 2"),
        ("a\ud800b", "surrogate", "U+D800 at character 2"),
        ("\u202a", "bidi_control", "U+202A LEFT-TO-RIGHT EMBEDDING at character 1"),
        ("\u202b", "bidi_control", "U+202B RIGHT-TO-LEFT EMBEDDING at character 1"),
        ("\u202c", "bidi_control", "U+202C POP DIRECTIONAL FORMATTING at character 1"),
        ("\u202d", "bidi_control", "U+202D LEFT-TO-RIGHT OVERRIDE at character 1"),
        ("\u2066", "bidi_control", "U+2066 LEFT-TO-RIGHT ISOLATE at character 1"),
        ("\u2067", "bidi_control", "U+2067 RIGHT-TO-LEFT ISOLATE at character 1"),
        ("\u2068", "bidi_control", "U+2068 FIRST STRONG ISOLATE at character 1"),
        ("\u2069", "bidi_control", "U+2069 POP DIRECTIONAL ISOLATE at character 1"),
    ],
)
@pytest.mark.parametrize("validator", [validate_text, validate_multiline_text])
def test_it_refuses_what_no_text_may_hold(validator, text, code, named):
    error = message_of(validator, text)
    assert error.code == code
    assert f"This text contains {named}:" in error.messages[0]


@pytest.mark.parametrize(
    ("text", "code", "named"),
    [
        ("one\ntwo", "line_break", "U+000A LINE FEED at character 4"),
        ("one\rtwo", "line_break", "U+000D CARRIAGE RETURN at character 4"),
        ("one\u2028two", "line_break", "U+2028 LINE SEPARATOR at character 4"),
        ("one\ttwo", "tab", "U+0009 CHARACTER TABULATION at character 4"),
    ],
)
def test_a_one_line_text_refuses_line_breaks_and_tabs_and_a_text_keeps_them(text, code, named):
    error = message_of(validate_text, text)
    assert error.code == code
    assert f"This text contains {named}:" in error.messages[0]
    validate_multiline_text(text)


def test_it_counts_the_other_characters_it_refuses():
    error = message_of(validate_multiline_text, "a\uffffb\ufffe\u202e")
    assert error.messages == [
        "This text contains U+FFFF at character 2: a Unicode noncharacter, which no text may "
        "hold; remove it. It holds 2 more characters that cannot be saved either."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "مشروع تدريب على إدارة الطيف",
        "הכשרה בניהול ספקטרום",
        "Tonga \u200fمشروع\u200e IXP \u061c",  # right-to-left, left-to-right, Arabic letter marks
        "频谱管理培训 📡🛰️👩🏽‍💻 e\u0301 \ufeff\u200b\u00a0",
        "\ue000 private use, \U0010fffd, \ufffd",
        "=1+2 <script>alert(1)</script>",
        "",
    ],
)
def test_text_in_any_script_with_marks_is_allowed(text):
    validate_text(text)
    validate_multiline_text(text)


def test_it_goes_into_migrations_as_itself():
    assert validate_text.deconstruct() == ("initiatives.validators.TextValidator", (), {})
    assert validate_multiline_text.deconstruct() == (
        "initiatives.validators.TextValidator",
        (),
        {"multiline": True},
    )
    assert TextValidator() == validate_text != validate_multiline_text


# Texts the tracker writes itself, not people: file names and checksums of uploads.
NOT_TYPED = {("activities.importbatch", "filename"), ("activities.importbatch", "sha256")}


def typed_text_fields():
    for app in ("initiatives", "activities"):
        yield from _typed_text_fields(apps.get_app_config(app).get_models())


def _typed_text_fields(models_of_app):
    for model in models_of_app:
        if model._meta.label_lower.startswith(("initiatives.historical", "activities.historical")):
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.CharField | models.TextField)
                and not isinstance(field, models.SlugField)
                and not field.choices
                and field.editable
                and (model._meta.label_lower, field.name) not in NOT_TYPED
            ):
                yield model, field


@pytest.mark.parametrize(
    ("model", "field"),
    list(typed_text_fields()),
    ids=lambda v: v._meta.label_lower if isinstance(v, type) else getattr(v, "name", v),
)
def test_every_typed_text_field_carries_it(model, field):
    expected = validate_multiline_text if isinstance(field, models.TextField) else validate_text
    assert expected in field.validators


def test_the_reference_data_and_demo_fixtures_pass_it():
    checked = 0
    for path in sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            model = apps.get_model(row["model"])
            for name, value in row["fields"].items():
                field = model._meta.get_field(name)
                if isinstance(field, models.CharField | models.TextField) and value:
                    field.run_validators(value)
                    checked += 1
    assert checked > 1000


# --- Refused wherever people type -----------------------------------------------------------


def test_the_activity_form_refuses_it_at_the_field(client, asp_editor):
    client.force_login(asp_editor)
    response = client.post(
        reverse("activities:activity_create"),
        activity_form_data(title="Tonga IXP: \u202eyduts", partners="APNIC\uffff"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert OVERRIDE_MESSAGE in errors["title"][0]
    assert "U+FFFF at character 6" in errors["partners"][0]
    assert OVERRIDE_MESSAGE in response.content.decode()
    assert not Activity.objects.exists()


def test_the_activity_edit_form_refuses_it_and_changes_nothing(client, asp_editor):
    activity = ActivityFactory(title="IXP study", created_by=asp_editor)
    client.force_login(asp_editor)
    data = activity_form_data(activity, description="Line one\nline\x0ctwo")
    response = client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 200
    assert "U+000C at character 14" in response.context["form"].errors["description"][0]
    activity.refresh_from_db()
    assert (activity.description, activity.version) == ("", 1)


@pytest.mark.parametrize("name", ["achievements", "challenges", "next_steps"])
def test_the_progress_report_form_refuses_it_at_the_field(client, asp_editor, name):
    activity = ActivityFactory()
    client.force_login(asp_editor)
    data = progress_report_form_data(**{name: "Trained 40 people.\n\u2067ok\u2069"})
    response = client.post(reverse("activities:report_create", args=[activity.pk]), data)
    assert response.status_code == 200
    assert (
        "U+2067 RIGHT-TO-LEFT ISOLATE at character 20" in response.context["form"].errors[name][0]
    )
    assert not activity.reports.exists()


def test_a_review_comment_is_refused_too(client, asp_editor, asp_reviewer):
    report = ProgressReportFactory(
        activity=ActivityFactory(), author=asp_editor, state=ProgressReport.State.SUBMITTED
    )
    client.force_login(asp_reviewer)
    url = reverse("activities:report_return", args=[report.activity_id, report.pk])
    response = client.post(url, {"comment": "Split by sex\ufffe"})
    assert response.status_code == 400
    assert "U+FFFE at character 13" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.review_comment) == (ProgressReport.State.SUBMITTED, "")


def test_the_admin_refuses_it_on_an_activity(client, superuser):
    activity = ActivityFactory(title="IXP study", countries=["TON"], expected_results=["ASP1.3"])
    client.force_login(superuser)
    url = admin_url(Activity, "change", activity.pk)
    data = page_data(client.get(url))
    data["title"] = "Tonga IXP: \u202eyduts"

    response = client.post(url, data)

    assert response.status_code == 200
    assert OVERRIDE_MESSAGE in response.content.decode()
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("IXP study", 1)


def import_errors(response):
    return [message for row in response.context["plan"].error_rows for message in row.messages]


@pytest.mark.parametrize(
    ("make_file", "name"), [(csv_file, "activities.csv"), (xlsx_file, "activities.xlsx")]
)
def test_an_import_cell_with_it_is_refused_and_nothing_is_imported(
    client, asp_editor, make_file, name
):
    client.force_login(asp_editor)
    rows = [import_row(title="Tonga IXP: \u202eyduts"), import_row(partners="APNIC\u2066")]
    upload = SimpleUploadedFile(name, make_file(rows))

    response = client.post(reverse("activities:activity_import"), {"file": upload})

    assert response.status_code == 200
    errors = import_errors(response)
    assert errors[0].startswith(f"row 2, title: {OVERRIDE_MESSAGE}")
    assert errors[1].startswith("row 3, partners: This text contains U+2066 LEFT-TO-RIGHT ISOLATE")
    assert OVERRIDE_MESSAGE in response.content.decode()
    # Nothing to confirm: a file with errors is not kept for import.
    assert not ImportBatch.objects.exists()
    assert not Activity.objects.exists()


def test_an_import_cell_with_a_noncharacter_is_refused(client, asp_editor):
    client.force_login(asp_editor)
    upload = SimpleUploadedFile("a.csv", csv_file([import_row(description="Study\uffff")]))
    response = client.post(reverse("activities:activity_import"), {"file": upload})
    assert import_errors(response)[0].startswith(
        "row 2, description: This text contains U+FFFF at character 6"
    )
    assert not Activity.objects.exists()
