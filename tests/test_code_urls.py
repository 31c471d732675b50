"""Codes in URLs go through one path converter (initiatives.converters): a path whose code is
not a code answers 404 before any view runs, never 500 (PostgreSQL refuses a NUL character in a
query), and every code that the reference data holds has its pages."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from initiatives.models import ActionPlan, Initiative, Region

# Each URL that takes a code, with {} where the code goes and a real code in its place.
CODE_URLS = [
    ("/dashboard/{}/", "ASP"),
    ("/dashboard/{}/countries/", "ASP"),
    ("/dashboard/{}/results/", "ASP"),
    ("/dashboard/{}/tables/matrix.csv", "ASP"),
    ("/dashboard/ASP/tables/{}.csv", "matrix"),
    ("/dashboard/ASP/tables/matrix.{}", "csv"),
    ("/reports/{}/2026/", "ASP"),
    ("/reports/{}/2026/report.docx", "ASP"),
    ("/reports/ASP/2026/report.{}", "xlsx"),
    ("/initiatives/{}/ASP1/", "WTDC-25"),
    ("/initiatives/WTDC-25/{}/", "ASP1"),
    ("/initiatives/{}/ASP1/results/1/", "WTDC-25"),
    ("/initiatives/WTDC-25/{}/results/1/", "ASP1"),
    ("/countries/{}/", "TON"),
]
NOT_CODES = {
    "a NUL character": "%00",
    "a NUL character after a real code": "{}%00",
    "a NUL character inside": "T%00N",
    "an encoded slash": "{}%2F..",
    "an encoded slash alone": "%2F",
    "a space": "{}%20",
    "a line break": "{}%0A",
    "a leading dot": ".{}",
    "a leading hyphen": "-{}",
    "script": "%3Cscript%3E",
    "non-ASCII letters": "%D8%AA%D9%88%D9%86",
    "33 characters": "A" * 33,
    "300 characters": "A" * 300,
}
USERS = ["viewer", "superuser"]


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.mark.parametrize(("url", "real"), CODE_URLS, ids=[u for u, _ in CODE_URLS])
def test_a_real_code_shows_its_page(signed_in, url, real):
    assert signed_in.get(url.format(real)).status_code == 200


@pytest.mark.parametrize("not_code", NOT_CODES.values(), ids=NOT_CODES.keys())
@pytest.mark.parametrize(("url", "real"), CODE_URLS, ids=[u for u, _ in CODE_URLS])
def test_what_is_not_a_code_answers_404_not_500(signed_in, url, real, not_code):
    path = url.format(not_code.format(real))
    response = signed_in.get(path)
    assert response.status_code == 404, path


def test_anonymous_visitors_get_404_too_not_the_login_page(client, db):
    """Nothing matched, so nothing asks them to sign in first."""
    assert client.get("/dashboard/ASP%00/").status_code == 404
    assert client.get("/countries/TON/").status_code == 302


def test_a_code_of_the_right_shape_that_no_row_has_answers_404(signed_in):
    assert signed_in.get("/dashboard/QQQ/").status_code == 404
    assert signed_in.get("/initiatives/WTDC-99/ASP1/").status_code == 404
    assert signed_in.get("/dashboard/ASP/tables/nothing.csv").status_code == 404
    assert signed_in.get("/dashboard/ASP/tables/matrix.pdf").status_code == 404
    assert signed_in.get("/countries/ton/").status_code == 200  # ISO codes in any case


def test_every_code_of_the_reference_data_has_its_pages(db):
    for region in Region.objects.all():
        reverse("reports:region_dashboard", args=[region.code])
    for initiative in Initiative.objects.select_related("action_plan"):
        initiative.get_absolute_url()


@pytest.mark.parametrize("model", [Region, ActionPlan])
@pytest.mark.parametrize("code", ["ASP 2", "ASP/2", "-ASP", "ÀSP"])
def test_a_code_that_no_url_could_carry_is_refused(db, model, code):
    row = model.objects.first()
    row.code = code
    with pytest.raises(ValidationError, match="holds only letters, digits"):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_an_initiative_code_that_no_url_could_carry_is_refused(db):
    initiative = Initiative.objects.first()
    initiative.code = "ASP 1"
    with pytest.raises(ValidationError, match="holds only letters, digits"):
        initiative.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        initiative.save()
