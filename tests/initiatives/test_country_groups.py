"""Country groups of our own (the Pacific island countries shipped for Asia and the Pacific, and
any group an administrator defines) work wherever LDC, SIDS and LLDC do: list filters, the
dashboard's tiles and unreached lists, the JSON, the downloads, the regional report and the map;
a membership that ends on a date behaves like Lao PDR's LDC graduation."""

import datetime

import pytest
from django.urls import reverse

from initiatives.models import Country, CountryGroup, Designation, Region
from tests.factories import ActivityFactory, UserFactory
from tests.reports.dashboard_pages import numbers, page_tree, text

pytestmark = pytest.mark.django_db

PACIFIC_ISLANDS = [
    "FJI",
    "FSM",
    "KIR",
    "MHL",
    "NRU",
    "PLW",
    "PNG",
    "SLB",
    "TON",
    "TUV",
    "VUT",
    "WSM",
]
DASHBOARD = "/dashboard/ASP/?plan=WTDC-25&year={year}"


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def work():
    """An ongoing activity in Tonga (a Pacific island country and SIDS) and one in Singapore
    and the Maldives (SIDS, not Pacific islands)."""
    return {
        "tonga": ActivityFactory(title="Tonga backbone", countries=["TON"]),
        "singapore": ActivityFactory(title="Singapore and Maldives", countries=["SGP", "MDV"]),
    }


def listed_titles(response):
    return {text(a) for a in page_tree(response).xpath("//table//td//a | //table//th//a")} & {
        "Tonga backbone",
        "Singapore and Maldives",
    }


def pacific_member(iso3, end=None):
    return Designation.objects.create(
        country=Country.objects.get(iso3=iso3), group_id="PIC", end_date=end
    )


def test_the_pacific_island_countries_ship_with_their_source():
    group = CountryGroup.objects.get(code="PIC")
    assert group.region.code == "ASP"
    assert "Pacific Islands Forum" in group.source
    members = Country.objects.in_group("PIC", on=datetime.date(2026, 6, 1))
    assert sorted(members.values_list("iso3", flat=True)) == PACIFIC_ISLANDS
    # Not Singapore, the Maldives or Timor-Leste, as group=SIDS would bring in.
    assert not members.filter(iso3__in=["SGP", "MDV", "TLS", "AUS", "NZL"]).exists()


def test_the_activity_list_filters_by_the_pacific_island_countries(signed_in, work):
    by_pacific = signed_in.get("/activities/?group=PIC&year=2026")
    by_sids = signed_in.get("/activities/?group=SIDS&year=2026")

    assert by_pacific.status_code == 200
    assert listed_titles(by_pacific) == {"Tonga backbone"}
    assert listed_titles(by_sids) == {"Tonga backbone", "Singapore and Maldives"}
    assert "Pacific island countries (PIC, ASP)" in by_pacific.text  # the filter's choice


def test_an_unknown_group_is_refused_with_a_message(signed_in, work):
    response = signed_in.get("/activities/?group=NOPE")
    assert "Unknown country group: pick one from the list." in response.text
    assert listed_titles(response) == set()


def test_a_membership_ending_on_a_date_counts_like_a_graduation(signed_in):
    """Fiji leaves a group on 24 Nov 2027: a member in 2027's figures, not in 2028's."""
    group = CountryGroup.objects.create(
        code="TEST", name="Test partnership", member_name="Test partner", position=9
    )
    Designation.objects.create(
        country=Country.objects.get(iso3="FJI"), group=group, end_date=datetime.date(2027, 11, 24)
    )
    ActivityFactory(
        title="Fiji 2027-2028",
        countries=["FJI"],
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )

    assert Country.objects.in_group("TEST", on=datetime.date(2027, 11, 23)).exists()
    assert not Country.objects.in_group("TEST", on=datetime.date(2027, 11, 24)).exists()
    in_2027 = signed_in.get(DASHBOARD.format(year=2027) + "&format=json").json()
    in_2028 = signed_in.get(DASHBOARD.format(year=2028) + "&format=json").json()
    assert (in_2027["countries"]["test_total"], in_2027["countries"]["test_reached"]) == (1, 1)
    assert (in_2028["countries"]["test_total"], in_2028["countries"]["test_reached"]) == (0, 0)
    listed_2027 = signed_in.get("/activities/?group=TEST&year=2027")
    listed_2028 = signed_in.get("/activities/?group=TEST&year=2028")
    assert "Fiji 2027-2028" in listed_2027.text
    assert "Fiji 2027-2028" not in listed_2028.text


def test_the_asp_dashboard_counts_the_pacific_islands_and_links_to_them(signed_in, work):
    response = signed_in.get(DASHBOARD.format(year=2026))
    tree = page_tree(response)

    tiles = {text(tile): numbers(tile) for tile in tree.xpath("//ul[@class='tiles']/li")}
    assert tiles["1 of 12 PIC countries reached"] == [1, 12]
    figures = response.context["figures"]
    pacific = next(reach for reach in figures.group_reach if reach.code == "PIC")
    assert [c.iso3 for c in pacific.unreached] == [
        c
        for c in sorted(PACIFIC_ISLANDS, key=lambda iso3: Country.objects.get(iso3=iso3).name)
        if c != "TON"
    ]
    # The figure's list holds what it counts.
    listed = signed_in.get(pacific.reached.url)
    assert listed.status_code == 200
    assert [c.country.iso3 for c, _ in listed.context["countries"]] == ["TON"]
    unreached = signed_in.get(pacific.total.url + "&reached=no")
    assert len(unreached.context["countries"]) == 11
    # The unreached table names the group.
    assert "Pacific island countries" in response.text

    json = signed_in.get(DASHBOARD.format(year=2026) + "&format=json").json()
    assert (json["countries"]["pic_reached"], json["countries"]["pic_total"]) == (1, 12)
    assert "TON" not in json["unreached"]["PIC"] and "NRU" in json["unreached"]["PIC"]


def test_another_region_does_not_offer_the_asp_group(signed_in):
    json = signed_in.get("/dashboard/AFR/?plan=WTDC-25&year=2026&format=json").json()
    assert "pic_total" not in json["countries"]
    refused = signed_in.get("/dashboard/AFR/countries/?plan=WTDC-25&year=2026&group=PIC")
    assert refused.status_code == 400


def test_the_all_regions_page_compares_only_the_groups_of_every_region(signed_in, work):
    page = signed_in.get("/dashboard/?plan=WTDC-25&year=2026").text
    assert 'title="Least developed countries">LDC</abbr>' in page
    assert 'title="Pacific island countries">PIC</abbr>' not in page

    CountryGroup.objects.create(
        code="G20", name="Group of Twenty", member_name="G20 member", position=10
    )
    page = signed_in.get("/dashboard/?plan=WTDC-25&year=2026").text
    assert 'title="Group of Twenty">G20</abbr>' in page


def test_the_downloads_and_the_report_carry_the_group(signed_in, work):
    csv = signed_in.get("/dashboard/ASP/tables/unreached.csv?plan=WTDC-25&year=2026")
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert "PIC,Nauru,NRU" in body.decode("utf-8-sig")

    report = signed_in.get("/reports/ASP/2026/?plan=WTDC-25")
    assert report.status_code == 200
    annex = page_tree(report).xpath("//*[@id='annex-unreached']/following::table[1]")[0]
    assert "PIC" in text(annex)


def test_the_map_names_the_group_in_each_members_title(signed_in, work):
    tree = page_tree(signed_in.get(DASHBOARD.format(year=2026)))
    titles = {
        text(title)
        for title in tree.xpath(
            "//*[local-name()='svg']//*[local-name()='a']/*[local-name()='title']"
        )
    }
    assert "Tonga: reached in 2026, SIDS, PIC" in titles
    assert "Nauru: not reached in 2026, SIDS, PIC" in titles


def test_an_administrator_defines_a_group_with_its_members(client, superuser):
    client.force_login(superuser)
    asp = Region.objects.get(code="ASP")
    response = client.post(
        reverse("admin:initiatives_countrygroup_add"),
        {
            "code": "SEA",
            "name": "South-East Asia",
            "member_name": "South-East Asian country",
            "region": asp.pk,
            "position": 5,
            "source": "A test group.",
            "designations-TOTAL_FORMS": 2,
            "designations-INITIAL_FORMS": 0,
            "designations-0-country": Country.objects.get(iso3="VNM").pk,
            "designations-1-country": Country.objects.get(iso3="THA").pk,
            "designations-1-end_date": "2026-07-01",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    group = CountryGroup.objects.get(code="SEA")
    assert group.history.count() == 1
    assert set(
        Country.objects.in_group("SEA", on=datetime.date(2026, 6, 30)).values_list(
            "iso3", flat=True
        )
    ) == {"VNM", "THA"}
    assert set(
        Country.objects.in_group("SEA", on=datetime.date(2026, 7, 1)).values_list("iso3", flat=True)
    ) == {"VNM"}
    # Its code is in the lists' addresses: it cannot change once made.
    change = client.get(reverse("admin:initiatives_countrygroup_change", args=[group.pk]))
    assert 'name="code"' not in change.text


def test_a_group_with_members_cannot_be_deleted_from_under_them():
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        CountryGroup.objects.get(code="PIC").delete()


def test_an_editor_cannot_define_groups(client):
    editor = UserFactory(role="Editor", regions=["ASP"])
    client.force_login(editor)
    response = client.get(reverse("admin:initiatives_countrygroup_add"))
    assert response.status_code in (302, 403)
