"""The activity list's filter form offers every action plan, initiative, expected result,
country, group and user. Those choices, and the form written out, are kept in the cache until
reference data or a user's name changes (activities.cache.reference_version), not only until
the next write of activities: after a write, the next list fetches its rows again but not its
choices. A change of reference data or of a user shows in the form on the very next request.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Country, Region
from tests.factories import DEFAULT_PASSWORD, ActivityFactory, UserFactory, initiative_with_results

# The query that fetches the focal points offered: only the filter choices read users so.
USER_CHOICES = 'ORDER BY "auth_user"."first_name" ASC, "auth_user"."last_name" ASC'


def get(client, url):
    """GET `url`: (its page, the number of queries that fetched the users offered)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), sum(USER_CHOICES in q["sql"] for q in queries)


def options(page, name):
    """The values of the options of the filter `name`, as offered."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', select)


def option_label(page, name, value):
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.search(rf'<option value="{re.escape(value)}"[^>]*>([^<]*)</option>', select)[1]


def test_a_write_of_activities_keeps_the_choices_but_not_the_rows(client, viewer):
    client.force_login(viewer)
    ActivityFactory(title="Before", countries=["TON"], status="ongoing")
    page, fetched = get(client, "/activities/?status=ongoing")
    assert fetched == 1 and "Before" in page

    ActivityFactory(title="After", countries=["FJI"], status="ongoing")

    page, fetched = get(client, "/activities/?status=ongoing")
    assert fetched == 0, "the choices come from the cache"
    assert "Before" in page and "After" in page, "the rows do not"
    assert "2 activities" in page
    assert "TON" in options(page, "country")
    # Another query of the list: its form is written out for it, from the same choices.
    page, fetched = get(client, "/activities/?status=completed&country=TON")
    assert fetched == 0 and "0 activities" in page
    assert re.search(r'<option value="TON" selected>', page)


def test_a_new_country_initiative_and_user_are_offered_at_once(client, viewer):
    client.force_login(viewer)
    page, _ = get(client, "/activities/")
    assert "XKX" not in options(page, "country")

    Country.objects.create(
        iso3="XKX", iso2="XK", name="Testland", region=Region.objects.get(code="ASP")
    )
    initiative_with_results("AFR", "AFR1", results=1)
    UserFactory(username="new.focal", first_name="Nadia", last_name="New")

    page, fetched = get(client, "/activities/")
    assert fetched == 1
    assert "XKX" in options(page, "country")
    assert "AFR1" in options(page, "initiative")
    assert "AFR1.1" in options(page, "result")
    assert option_label(page, "focal_point", "new.focal") == "Nadia New"


def test_a_renamed_or_deleted_user_shows_at_once(client, viewer):
    focal = UserFactory(username="focal", first_name="Old", last_name="Name")
    client.force_login(viewer)
    assert option_label(get(client, "/activities/")[0], "focal_point", "focal") == "Old Name"

    focal.first_name = "New"
    focal.save()
    assert option_label(get(client, "/activities/")[0], "focal_point", "focal") == "New Name"

    focal.delete()
    assert "focal" not in options(get(client, "/activities/")[0], "focal_point")


def test_a_login_keeps_the_choices(client, viewer):
    """A login sets only last_login: nothing offered changes."""
    client.force_login(viewer)
    get(client, "/activities/")
    assert client.login(username="viewer", password=DEFAULT_PASSWORD)
    assert get(client, "/activities/?status=planned")[1] == 0
