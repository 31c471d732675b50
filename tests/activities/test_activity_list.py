"""The activity list page: its rows, the total, 50 a page, sortable columns, the filters in use
as removable chips, the filter form without JavaScript, and a fixed number of queries."""

import datetime
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from initiatives.models import Region
from tests.factories import ActivityFactory


def titles(response):
    """The titles of the rows, in the order shown."""
    return re.findall(
        r'<th scope="row"><a href="/activities/\d+/">([^<]+)</a></th>', response.content.decode()
    )


def test_it_shows_each_activity_with_countries_badges_results_status_and_dates(client, viewer):
    activity = ActivityFactory(
        title="Emergency telecom plan",
        countries=["TON", "TUV"],
        expected_results=["ASP5.4", "ASP1.3"],
        status=Activity.Status.ONGOING,
        start_date=datetime.date(2026, 3, 2),
        end_date=None,
    )
    client.force_login(viewer)

    response = client.get("/activities/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="/activities/{activity.pk}/">Emergency telecom plan</a>' in page
    assert "Tonga" in page and "Tuvalu" in page
    assert 'class="badge badge-ldc"' in page and 'class="badge badge-sids"' in page
    # The codes in plan order, each with its full text on hover and for screen readers.
    assert page.index(">ASP1.3<") < page.index(">ASP5.4<")
    assert 'title="Promotion of affordable resilient, universal and meaningful' in page
    assert '<span class="result-text">: Promotion of affordable resilient' in page
    assert '<span class="status status-ongoing">Ongoing</span>' in page
    assert "2 Mar 2026" in page and "open-ended" in page
    assert "1 activity" in page


def test_a_result_code_links_to_the_list_narrowed_to_it_keeping_the_filters(client, viewer):
    ActivityFactory(expected_results=["ASP3.4"])
    client.force_login(viewer)

    page = client.get("/activities/?status=ongoing&page=1").content.decode()

    assert 'href="?status=ongoing&amp;result=ASP3.4"' in page


def test_archived_activities_are_not_listed(client, viewer):
    ActivityFactory(title="Old one", archived_at=timezone.now())
    ActivityFactory(title="Current one")
    client.force_login(viewer)

    response = client.get("/activities/")

    assert titles(response) == ["Current one"]
    assert "1 activity" in response.content.decode()


def test_it_shows_50_a_page_and_the_pages_keep_the_filters(client, viewer):
    ActivityFactory.create_batch(51, status=Activity.Status.PLANNED)
    ActivityFactory(status=Activity.Status.COMPLETED)
    client.force_login(viewer)

    response = client.get("/activities/?status=planned&sort=title")

    page = response.content.decode()
    assert len(titles(response)) == 50
    assert "51 activities" in page
    assert "Page 1 of 2" in page
    assert 'href="?status=planned&amp;sort=title&amp;page=2" rel="next"' in page
    second = client.get("/activities/?status=planned&sort=title&page=2")
    assert len(titles(second)) == 1
    assert 'href="?status=planned&amp;sort=title&amp;page=1" rel="prev"' in second.content.decode()


def test_it_is_newest_first_unless_sorted_otherwise(client, viewer):
    ActivityFactory(title="Bravo", start_date=datetime.date(2026, 1, 1), end_date=None)
    ActivityFactory(
        title="Alpha", start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 6, 1)
    )
    ActivityFactory(
        title="Charlie", start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2027, 1, 1)
    )
    client.force_login(viewer)

    assert titles(client.get("/activities/")) == ["Alpha", "Bravo", "Charlie"]
    assert titles(client.get("/activities/?sort=title")) == ["Alpha", "Bravo", "Charlie"]
    assert titles(client.get("/activities/?sort=-title")) == ["Charlie", "Bravo", "Alpha"]
    assert titles(client.get("/activities/?sort=start_date")) == ["Charlie", "Bravo", "Alpha"]
    # No end date: it runs on, so it comes last ascending and first descending.
    assert titles(client.get("/activities/?sort=end_date")) == ["Alpha", "Charlie", "Bravo"]
    assert titles(client.get("/activities/?sort=-end_date")) == ["Bravo", "Charlie", "Alpha"]


def test_it_sorts_by_status_and_region(client, viewer):
    ActivityFactory(title="Planned", status=Activity.Status.PLANNED)
    ActivityFactory(title="Completed", status=Activity.Status.COMPLETED)
    ActivityFactory(
        title="In Africa",
        status=Activity.Status.SUSPENDED,
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=[],
    )
    client.force_login(viewer)

    assert titles(client.get("/activities/?sort=status")) == ["Completed", "Planned", "In Africa"]
    assert titles(client.get("/activities/?sort=region"))[0] == "In Africa"
    assert titles(client.get("/activities/?sort=-region"))[-1] == "In Africa"


def test_the_column_headers_sort_keep_the_filters_and_say_how_it_is_sorted(client, viewer):
    ActivityFactory()
    client.force_login(viewer)

    page = client.get("/activities/?status=ongoing&sort=title&page=1").content.decode()

    # Sorted by title ascending: its header says so and reverses it; the others sort by theirs.
    assert (
        '<th scope="col" aria-sort="ascending"><a class="sort-link" '
        'href="?status=ongoing&amp;sort=-title">Title' in page
    )
    assert (
        '<th scope="col"><a class="sort-link" href="?status=ongoing&amp;sort=end_date">End' in page
    )
    assert page.count("aria-sort=") == 1
    default = client.get("/activities/").content.decode()
    assert (
        '<th scope="col" aria-sort="descending"><a class="sort-link" href="?sort=start_date">'
        in default
    )


def test_the_filters_in_use_are_chips_that_remove_one_value_each(client, viewer):
    ActivityFactory()
    client.force_login(viewer)

    response = client.get("/activities/?status=ongoing&status=planned&region=ASP&sort=title&page=2")

    page = response.content.decode()
    assert (
        '<a class="chip" href="?status=planned&amp;region=ASP&amp;sort=title">Status: Ongoing'
        in page
    )
    assert (
        '<a class="chip" href="?status=ongoing&amp;region=ASP&amp;sort=title">Status: Planned'
        in page
    )
    assert (
        '<a class="chip" href="?status=ongoing&amp;status=planned&amp;sort=title">'
        "Region: Asia and the Pacific (ASP)" in page
    )
    assert '<a href="?sort=title">Clear all filters</a>' in page


def test_without_filters_there_are_no_chips(client, viewer):
    ActivityFactory()
    client.force_login(viewer)

    page = client.get("/activities/?sort=title").content.decode()

    assert 'class="chip"' not in page
    assert "Clear all filters" not in page


def test_the_filter_form_works_without_javascript_and_keeps_the_values(client, viewer):
    client.force_login(viewer)

    response = client.get("/activities/?region=ASP&country=TON&status=ongoing&q=IXP&sort=title")

    page = response.content.decode()
    assert '<form method="get" class="filters"' in page
    assert '<button type="submit" class="button">Apply filters</button>' in page
    # The one script only folds the filters on a narrow screen; nothing inline.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/filters.js">']
    assert "style=" not in page
    # Every field has its label; the long lists are selects; the sort is kept on apply.
    for name in ("q", "region", "country", "group", "year", "initiative", "result", "plan",
                 "modality", "funding", "budget_year", "focal_point", "archived",
                 "mine"):  # fmt: skip
        assert f'for="id_{name}"' in page, name
    assert "<legend>Status</legend>" in page
    assert '<option value="ASP" selected>Asia and the Pacific (ASP)</option>' in page
    assert '<optgroup label="Asia and the Pacific">' in page
    assert '<option value="TON" selected>Tonga</option>' in page
    assert '<option value="ASP3.4">ASP3.4 — Promotion of Internet exchange points' in page
    assert 'value="ongoing" id="id_status_1" checked' in page
    assert '<input type="hidden" name="sort" value="title"' in page
    # Nothing folded away is in use, so "More filters" stays closed.
    assert '<details class="more-filters">' in page


def test_more_filters_unfold_when_one_of_them_is_in_use(client, viewer):
    client.force_login(viewer)

    page = client.get("/activities/?modality=study").content.decode()

    assert '<details class="more-filters" open>' in page


def test_editors_get_a_new_activity_button_viewers_do_not(client, viewer, asp_editor):
    client.force_login(viewer)
    assert "New activity" not in client.get("/activities/").content.decode()

    client.force_login(asp_editor)
    assert '<a class="button" href="/activities/new/">New activity</a>' in (
        client.get("/activities/").content.decode()
    )


def test_an_empty_list_says_whether_filters_hide_activities(client, viewer):
    client.force_login(viewer)
    assert "No activities have been recorded yet." in client.get("/activities/").content.decode()

    ActivityFactory(status=Activity.Status.ONGOING)
    assert "No activities match these filters." in (
        client.get("/activities/?status=planned").content.decode()
    )


def test_the_list_needs_a_login(client):
    response = client.get("/activities/?status=ongoing")

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_queries_do_not_grow_with_rows(client, viewer, django_assert_max_num_queries):
    # Session, user, permissions (2), the filters' choices (9), count, rows, countries,
    # designations, expected results, the rows counting "via the previous plan": 18 whatever
    # the number of rows. One query per row would add at least 5. Both are asked with an empty
    # cache (the choices are kept until reference data changes: test_list_filter_choices.py).
    client.force_login(viewer)
    ActivityFactory.create_batch(
        5, countries=["TON", "FJI", "TUV"], expected_results=["ASP1.1", "ASP3.2", "ASP3.4"]
    )
    cache.clear()
    with django_assert_max_num_queries(18) as with_5:
        client.get("/activities/")

    ActivityFactory.create_batch(
        55, countries=["NPL", "BTN"], expected_results=["ASP2.1", "ASP5.1"]
    )
    cache.clear()
    with django_assert_max_num_queries(18) as with_60:
        response = client.get("/activities/?region=ASP&status=ongoing&group=LDC&sort=title")

    assert len(with_60) == len(with_5)
    assert "60 activities" in response.content.decode()
    assert "Page 1 of 2" in response.content.decode()
    assert len(titles(response)) == 50


def list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "activities_activity" in q["sql"]]


def test_a_list_is_counted_and_sorted_once_until_data_changes(client, viewer, asp_editor):
    """The list (its COUNT, the sorted scan of every matching row, the rendering of the page)
    is kept in the cache; a request then reads no activity. A write counts again at once."""
    client.force_login(viewer)
    ActivityFactory.create_batch(3, countries=["TON"], status="ongoing")
    url = "/activities/?status=ongoing&group=SIDS"
    first = list_queries(client, url)
    assert any("COUNT(" in sql for sql in first)
    assert list_queries(client, url) == []
    assert "3 activities" in client.get(url).content.decode()

    ActivityFactory(countries=["FJI"], status="ongoing")
    assert any("COUNT(" in sql for sql in list_queries(client, url))
    assert "4 activities" in client.get(url).content.decode()


def test_the_cached_list_keeps_each_users_buttons(client, viewer, asp_editor):
    """What is cached is the list; the heading's buttons are the user's own."""
    client.force_login(asp_editor)
    assert "New activity" in client.get("/activities/").content.decode()
    client.force_login(viewer)
    assert "New activity" not in client.get("/activities/").content.decode()


def test_my_activities_are_not_served_to_someone_else(client, asp_editor, viewer):
    """`mine` depends on who asks: the cached list is each user's own."""
    ActivityFactory(title="Asked by the editor", focal_point=asp_editor)
    client.force_login(asp_editor)
    assert titles(client.get("/activities/?mine=1")) == ["Asked by the editor"]
    client.force_login(viewer)
    assert titles(client.get("/activities/?mine=1")) == []
