"""The countries list with designation badges (a country's own page, with its designations
over time and its progress, is tested in tests/reports/test_country_page.py)."""

import datetime

from initiatives.models import Country, Designation


def test_it_lists_every_country_with_its_badges(client, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        response = client.get("/countries/")
    page = response.content.decode()
    assert "194 countries" in page
    assert "Tuvalu" in page
    assert 'class="badge badge-sids"' in page


def test_it_narrows_to_a_region(client, viewer):
    client.force_login(viewer)
    page = client.get("/countries/?region=ASP").content.decode()
    assert "39 countries" in page
    assert "Tonga" in page
    assert "Angola" not in page


def test_an_unknown_region_shows_every_country(client, viewer):
    client.force_login(viewer)
    response = client.get("/countries/?region=%3Cscript%3E")
    assert response.status_code == 200
    assert "194 countries" in response.content.decode()


def test_the_badge_queries_do_not_grow_with_designations(
    client, viewer, django_assert_max_num_queries
):
    for country in Country.objects.in_region("ASP"):
        Designation.objects.create(
            country=country, group_id="LDC", start_date=datetime.date(2040, 1, 1)
        )
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        client.get("/countries/?region=ASP")
