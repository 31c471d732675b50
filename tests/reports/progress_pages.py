"""What the tests of the progress pages (an initiative's, an expected result's, a country's)
share, beside the dashboards' helpers: the activities a page lists, whether a figure is shown
as a link, the size of the list it links to, the query count with 10 and with 200 activities."""

import html
import re

from tests.factories import ActivityFactory
from tests.reports.dashboard_pages import add_activities, queries_of


def listed_activities(page):
    """The titles of the activities that the page's table of activities lists."""
    table = re.search(r'<table class="[^"]*\bpage-activities">(.*?)</table>', page, re.DOTALL)
    if table is None:
        return set()
    return set(re.findall(r'<th scope="row"><a href="/activities/\d+/">(.*?)</a>', table.group(1)))


def links_to(page, figure):
    """Whether `page` shows `figure` as a link to the list of what it counts."""
    return f'href="{html.escape(figure.url)}">{figure.value}</a>' in page


def activity_list_total(client, figure):
    """The total of the activity list that `figure` links to."""
    response = client.get(figure.url)
    assert response.status_code == 200, figure.url
    return response.context["paginator"].count


def queries_with_10_and_with_200_activities(client, url, **first_activity):
    """The queries a GET of `url` takes with 10 activities, then with 200: the first one built
    with `first_activity` (so that the page lists something at 10 already), the others varied."""
    ActivityFactory(**first_activity)
    add_activities(9)
    queries_of(client, url)  # the session, once
    with_10 = queries_of(client, url)
    add_activities(190)
    return with_10, queries_of(client, url)
