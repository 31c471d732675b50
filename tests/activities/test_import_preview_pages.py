"""The import preview, page by page: 100 rows a page, the counts of the whole file on every
page, the rows with errors findable, and the confirmation importing every row of every page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, ImportBatch
from activities.spreadsheets import PREVIEW_PER_PAGE
from tests.factories import ActivityFactory, UserFactory, csv_file, import_row

IMPORT_URL = reverse("activities:activity_import")


@pytest.fixture
def editor(client, asp_editor):
    client.force_login(asp_editor)
    return client


def upload(client, rows, name="activities.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, csv_file(rows))})


def new_rows(count, **values):
    return [
        import_row(reference=f"ASP-{n:05}", title=f"Activity {n}", **values) for n in range(count)
    ]


def preview_url(response):
    return response.context["preview_url"]


def text_of(response):
    """The page's text, its whitespace made single spaces."""
    return " ".join(response.content.decode().split())


def row_numbers(response):
    return [row.number for row in response.context["page"]]


def test_the_upload_shows_the_first_100_rows_and_links_to_the_next_page(editor):
    response = upload(editor, new_rows(250))
    assert response.status_code == 200
    assert row_numbers(response) == list(range(2, 102))  # row 1 is the header row
    page = text_of(response)
    assert "250 to create, 0 to update, 0 unchanged" in page
    assert f'href="{preview_url(response)}?page=2#rows"' in page
    assert "Page 1 of 3" in page
    assert "Activity 100<" not in page  # row 102: on page 2
    assert not Activity.objects.exists()


def test_page_2_shows_rows_101_to_200_with_the_counts_of_the_whole_file(editor):
    ActivityFactory(reference="ASP-00000", title="Old title")
    url = preview_url(upload(editor, new_rows(250)))
    response = editor.get(url, {"page": 2})
    assert response.status_code == 200
    assert [row.number - 1 for row in response.context["page"]] == list(range(101, 201))
    page = text_of(response)
    assert "249 to create, 1 to update, 0 unchanged, 0 errors" in page
    assert "Activity 100<" in page and "Activity 199<" in page
    assert "Activity 99<" not in page and "Activity 200<" not in page
    assert "Rows 101–200 of 250" in page
    assert "?page=1#rows" in page and "?page=3#rows" in page
    # The confirmation's button is on every page, and says how many it imports in all.
    batch = ImportBatch.objects.get()
    assert reverse("activities:activity_import_confirm", args=[batch.pk]) in page
    assert "Import 250 activities" in page


def test_confirming_from_any_page_imports_the_rows_of_every_page(editor, asp_editor):
    ActivityFactory(reference="ASP-00000", title="Old title")
    url = preview_url(upload(editor, new_rows(250)))
    editor.get(url, {"page": 3})
    batch = ImportBatch.objects.get()
    response = editor.post(reverse("activities:activity_import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert Activity.objects.filter(reference__startswith="ASP-").count() == 250
    assert Activity.objects.get(reference="ASP-00000").title == "Activity 0"
    assert Activity.objects.get(reference="ASP-00249").created_by == asp_editor
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    # Its preview says so afterwards, and offers no button.
    page = editor.get(url).text
    assert "This file is imported." in page
    assert reverse("activities:activity_import_confirm", args=[batch.pk]) not in page


@pytest.mark.parametrize("asked", ["abc", "0", "-1", "999", "", "1.5", "99999999999999999999"])
def test_a_page_that_does_not_exist_shows_the_nearest_one(editor, asked):
    """As the activity history: Django's `Paginator.get_page`, the first page for what is not
    a whole number, the last for a number outside the pages."""
    url = preview_url(upload(editor, new_rows(150)))
    response = editor.get(url, {"page": asked})
    assert response.status_code == 200
    expected = 1 if asked in ("abc", "", "1.5") else 2
    assert response.context["page"].number == expected


def test_the_rows_with_errors_are_listed_alone_on_request(editor):
    rows = new_rows(300)
    rows[150]["countries"] = "XYZ"  # file row 152
    rows[280]["start_date"] = "soon"  # file row 282
    response = upload(editor, rows)
    assert response.context["plan"].error_count == 2
    page = text_of(response)
    assert "row 152, countries: &#x27;XYZ&#x27; is not a country code" in page  # on every page
    assert f'href="{preview_url(response)}?errors=1#rows"' in page
    only = editor.get(preview_url(response), {"errors": "1"})
    assert row_numbers(only) == [152, 282]
    assert "Showing the rows with errors only" in text_of(only)
    assert "298 to create, 0 to update, 0 unchanged, 2 errors" in text_of(only)
    assert not ImportBatch.objects.exists()
    assert not Activity.objects.exists()


def test_many_errors_list_the_first_50_at_the_top_and_every_one_by_row(editor):
    response = upload(editor, new_rows(120, countries="XYZ"))
    assert response.context["plan"].error_count == 120
    page = response.content.decode()
    assert page.count("is not a country code</li>") == 50 + 100  # the list and the table
    assert "… and 70 more errors" in page
    second = editor.get(preview_url(response), {"errors": "1", "page": "2"})
    assert row_numbers(second) == list(range(102, 122))
    assert "errors=1&amp;page=1#rows" in second.text


def test_an_import_with_errors_on_a_later_page_saves_nothing_at_confirmation(editor):
    """The file is fine at the preview; by the confirmation the focal point of row 1,900 has
    left: nothing is saved, not even the rows before it, which are saved a chunk at a time."""
    focal = UserFactory(email="focal@itu.int")
    rows = new_rows(2000)
    rows[1898]["focal_point_email"] = "focal@itu.int"
    upload(editor, rows)
    batch = ImportBatch.objects.get()
    focal.is_active = False
    focal.save()
    history_rows = Activity.history.count()
    response = editor.post(reverse("activities:activity_import_confirm", args=[batch.pk]))
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert [row.number for row in response.context["plan"].error_rows] == [1900]
    assert not Activity.objects.exists()
    assert Activity.history.count() == history_rows
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    # The failed confirmation's preview pages too.
    again = editor.get(preview_url(response), {"errors": "1"})
    assert row_numbers(again) == [1900]


def test_another_users_preview_is_404_and_a_viewers_403(client, editor, asp_reviewer, viewer):
    url = preview_url(upload(editor, new_rows(3)))
    client.force_login(asp_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    assert client.get(url).status_code == 403


def test_a_preview_no_longer_kept_is_404(editor):
    url = preview_url(upload(editor, new_rows(3)))
    ImportBatch.objects.all().delete()  # purged as stale
    assert editor.get(url).status_code == 404
    unknown = reverse(
        "activities:activity_import_preview", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert editor.get(unknown).status_code == 404


@pytest.mark.parametrize("with_errors", [False, True])
def test_a_page_costs_the_same_queries_for_250_and_for_1500_rows(editor, with_errors):
    """A page reads the preview the upload kept: no query per row, nor more for more rows."""
    counts = []
    for size in (250, 1500):
        rows = new_rows(size)
        if with_errors:
            rows[-1]["countries"] = "XYZ"
        url = preview_url(upload(editor, rows))
        with CaptureQueriesContext(connection) as queries:
            response = editor.get(url, {"page": 2})
        assert response.status_code == 200
        assert len(response.context["page"]) == PREVIEW_PER_PAGE
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
