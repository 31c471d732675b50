"""Every search for a country finds it by its other names too: the countries page, the
activity list's search, the activity form's country choices and the admin."""

import html
import re

from django.urls import reverse

from initiatives.models import Country
from tests import factories


def row_names(page):
    """The countries named in the rows of the countries page, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)


def test_the_countries_page_finds_a_country_by_another_name(client, viewer):
    client.force_login(viewer)
    page = client.get("/countries/", {"q": "Laos"}).content.decode()
    assert [html.unescape(name) for name in row_names(page)] == ["Lao People's Democratic Republic"]
    assert "1 country named like “Laos”" in page
    assert "(Lao PDR, Lao P.D.R., Laos)" in page  # shown, so one sees why it matched


def test_the_countries_page_search_keeps_the_region_and_its_query_count(
    client, viewer, django_assert_max_num_queries
):
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        page = client.get("/countries/", {"q": "korea", "region": "ASP"}).content.decode()
    assert [html.unescape(name) for name in row_names(page)] == [
        "Democratic People's Republic of Korea",
        "Republic of Korea",
    ]
    assert 'value="korea"' in page
    assert not row_names(client.get("/countries/", {"q": "korea", "region": "AFR"}).text)


def test_the_countries_page_takes_any_text(client, viewer):
    client.force_login(viewer)
    for text in ["\x00", "%", "_", "a" * 1000, "<script>"]:
        response = client.get("/countries/", {"q": text})
        assert response.status_code == 200, text
    assert "194 countries" in client.get("/countries/", {"q": "\x00 "}).text


def test_the_activity_list_search_finds_an_activity_by_its_country_s_other_name(client, viewer):
    in_viet_nam = factories.ActivityFactory(title="Spectrum workshop", countries=["VNM"])
    factories.ActivityFactory(title="IXP study", countries=["TON"])
    client.force_login(viewer)

    response = client.get(reverse("activities:activity_list"), {"q": "Vietnam workshop"})

    assert list(response.context["paginator"].object_list) == [in_viet_nam]


def test_the_activity_form_s_country_choices_carry_their_other_names(client, asp_editor):
    client.force_login(asp_editor)
    page = client.get("/activities/new/").content.decode()
    assert 'data-search="Viet Nam Vietnam"' in page
    assert 'data-search="Lao People&#x27;s Democratic Republic Lao PDR Lao P.D.R. Laos"' in page
    assert 'data-search="Tonga"' in page


def test_the_admin_finds_a_country_by_another_name(client, superuser):
    client.force_login(superuser)
    changelist = reverse("admin:initiatives_country_changelist")
    response = client.get(changelist, {"q": "Ivory Coast"})
    assert list(response.context["cl"].result_list) == [Country.objects.get(iso3="CIV")]
    assert "Cote d&#x27;Ivoire, Ivory Coast" in response.text  # the "other names" column

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Vietnam",
            "app_label": "initiatives",
            "model_name": "designation",
            "field_name": "country",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Viet Nam"]

    designations = reverse("admin:initiatives_designation_changelist")
    response = client.get(designations, {"q": "Laos"})
    assert {d.country.iso3 for d in response.context["cl"].result_list} == {"LAO"}


def test_the_admin_keeps_other_names_one_per_line(client, superuser):
    client.force_login(superuser)
    viet_nam = Country.objects.get(iso3="VNM")
    change = reverse("admin:initiatives_country_change", args=[viet_nam.pk])
    form = client.get(change).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data.update(
        {
            "region": viet_nam.region_id,
            "other_names": "Vietnam\n  Việt  Nam \n\nVietnam",
            "designations-TOTAL_FORMS": 0,
            "designations-INITIAL_FORMS": 0,
        }
    )
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    viet_nam.refresh_from_db()
    assert viet_nam.other_names == "Vietnam\nViệt Nam"
    assert Country.objects.search("Việt").get() == viet_nam
