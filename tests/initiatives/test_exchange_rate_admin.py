"""The rates of exchange in the admin: a list by month and currency with their history, and
"Import rates" from a spreadsheet (currency, month, rate) — every rate or none, each bad row
named with its number and what is wrong, a rate the tracker has updated, a summary shown —
for those who may add and change rates only."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from initiatives.models import ExchangeRate
from tests.factories import ExchangeRateFactory, UserFactory

LIST_URL = reverse("admin:initiatives_exchangerate_changelist")
ADD_URL = reverse("admin:initiatives_exchangerate_add")
IMPORT_URL = reverse("admin:initiatives_exchangerate_import")
JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def rates():
    """The rates in the tracker, as {(currency, "YYYY-MM"): rate}."""
    return {
        (rate.currency, f"{rate.month:%Y-%m}"): rate.rate for rate in ExchangeRate.objects.all()
    }


def csv_of(*rows, header="currency,month,rate"):
    return "\n".join([header, *rows]).encode()


def xlsx_of(*rows, header=("currency", "month", "rate")):
    workbook = Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(client, data, name="rates.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def refused(response):
    assert response.status_code == 200
    return response.context["refused"]


def file_error(response):
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    return error


# --- The list and the change page -------------------------------------------------------------


def test_the_list_shows_the_rates_by_month_then_currency(admin_client):
    ExchangeRateFactory(currency="EUR", month=JAN)
    ExchangeRateFactory(currency="CHF", month=FEB, rate=Decimal("0.88"))
    ExchangeRateFactory(currency="EUR", month=FEB, rate=Decimal("0.91"), is_demo=True)

    response = admin_client.get(LIST_URL)

    assert response.status_code == 200
    shown = [(r.currency, f"{r.month:%Y-%m}") for r in response.context["cl"].result_list]
    assert shown == [("CHF", "2026-02"), ("EUR", "2026-02"), ("EUR", "2026-01")]
    page = response.content.decode()
    assert "2026-02" in page
    assert "?currency=CHF" in page  # the currencies in use, to filter by
    assert "?is_demo__exact=1" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"currency": "EUR"}, {("EUR", "2026-01"), ("EUR", "2026-02")}),
        ({"is_demo__exact": "1"}, {("EUR", "2026-02")}),
        ({"q": "chf"}, {("CHF", "2026-02")}),
        ({"month__year": "2026", "month__month": "1"}, {("EUR", "2026-01")}),
    ],
)
def test_the_list_filters_and_searches(admin_client, query, expected):
    ExchangeRateFactory(currency="EUR", month=JAN)
    ExchangeRateFactory(currency="CHF", month=FEB, rate=Decimal("0.88"))
    ExchangeRateFactory(currency="EUR", month=FEB, rate=Decimal("0.91"), is_demo=True)

    response = admin_client.get(LIST_URL, query)

    assert response.status_code == 200
    listed = {(r.currency, f"{r.month:%Y-%m}") for r in response.context["cl"].result_list}
    assert listed == expected


def test_the_list_costs_the_same_queries_for_many_rates(
    admin_client, django_assert_max_num_queries
):
    ExchangeRateFactory()
    with django_assert_max_num_queries(20) as few:
        admin_client.get(LIST_URL)
    for month in range(2, 13):
        for currency in ("EUR", "CHF", "XOF"):
            ExchangeRateFactory(currency=currency, month=datetime.date(2026, month, 1))

    with django_assert_max_num_queries(20) as many:
        admin_client.get(LIST_URL)

    assert len(many) == len(few)


def test_a_rate_added_by_hand_is_for_the_first_of_its_month_with_its_history(
    admin_client, superuser
):
    data = {"currency": "eur", "month": "2026-03-17", "rate": "0.93", "source": "UN"}

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.month, rate.rate) == (
        "EUR",
        datetime.date(2026, 3, 1),
        Decimal("0.93"),
    )
    assert rate.history.get().history_user == superuser


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"currency": "USD"}, "US dollars need no rate."),
        ({"currency": "XYZ"}, "XYZ is not one."),
        ({"rate": "0"}, "A rate is more than 0."),
        ({"month": "2026-01-20"}, "This currency already has a rate for this month."),
    ],
)
def test_a_bad_rate_is_refused(admin_client, data, message):
    ExchangeRateFactory(currency="EUR", month=JAN)

    response = admin_client.post(
        ADD_URL, {"currency": "EUR", "month": "2026-02-01", "rate": "0.9", **data}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ExchangeRate.objects.count() == 1


def test_a_changed_rate_keeps_the_old_one_in_its_history(admin_client):
    rate = ExchangeRateFactory()
    url = reverse("admin:initiatives_exchangerate_change", args=[rate.pk])

    response = admin_client.post(
        url, {"currency": "EUR", "month": "2026-01-01", "rate": "0.95", "source": "UN"}
    )

    assert response.status_code == 302
    assert [row.rate for row in rate.history.all()] == [Decimal("0.95"), Decimal("0.9")]


# --- Import rates: who may ---------------------------------------------------------------------


def test_the_list_links_to_the_import_for_those_who_may_import(admin_client):
    assert IMPORT_URL in admin_client.get(LIST_URL).content.decode()


@pytest.fixture
def rate_keeper(db):
    """Staff with the permissions to add and change rates, and no more: no superuser."""
    user = UserFactory(username="rate.keeper", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="initiatives",
            codename__in=["view_exchangerate", "add_exchangerate", "change_exchangerate"],
        )
    )
    return user


def test_staff_who_may_add_and_change_rates_import_them(client, rate_keeper):
    client.force_login(rate_keeper)

    assert IMPORT_URL in client.get(LIST_URL).content.decode()
    response = upload(client, csv_of("EUR,2026-01,0.92"))

    assert response.status_code == 302
    assert rates() == {("EUR", "2026-01"): Decimal("0.92")}


@pytest.mark.parametrize("codenames", [[], ["view_exchangerate"], ["add_exchangerate"]])
def test_staff_who_may_not_add_and_change_rates_import_nothing(client, db, codenames):
    user = UserFactory(username="staff.viewer", role="Viewer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="initiatives", codename__in=codenames)
    )
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, csv_of("EUR,2026-01,0.92")).status_code == 403
    assert not ExchangeRate.objects.exists()
    if "view_exchangerate" in codenames:
        assert IMPORT_URL not in client.get(LIST_URL).content.decode()


def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admins_sign_in(client, asp_editor):
    client.force_login(asp_editor)

    response = upload(client, csv_of("EUR,2026-01,0.92"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not ExchangeRate.objects.exists()


# --- Import rates: what it saves ---------------------------------------------------------------


def test_the_import_page_says_what_to_write(admin_client):
    response = admin_client.get(IMPORT_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "month</strong>: YYYY-MM" in page
    assert 'enctype="multipart/form-data"' in page


def test_it_adds_new_rates_updates_those_it_has_and_says_what_it_did(admin_client, superuser):
    ExchangeRateFactory(currency="EUR", month=JAN, rate=Decimal("0.90"))
    ExchangeRateFactory(currency="CHF", month=JAN, rate=Decimal("0.88"))
    ExchangeRateFactory(currency="XOF", month=JAN, rate=Decimal("600"), is_demo=True)
    data = csv_of(
        "EUR,2026-01,0.92",  # a new rate for a month it has
        "chf,2026-01,0.88",  # the same
        "XOF,2026-01,600",  # the same, but a demo rate: a real one now
        "EUR,2026-02,0.91",
        " TOP , 2026-2 , 2.35 ",
    )

    response = upload(admin_client, data, "UN rates February.csv")

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Imported from UN rates February.csv: 2 rates added, 2 updated, 1 unchanged."
    ]
    assert rates() == {
        ("EUR", "2026-01"): Decimal("0.92"),
        ("CHF", "2026-01"): Decimal("0.88"),
        ("XOF", "2026-01"): Decimal("600"),
        ("EUR", "2026-02"): Decimal("0.91"),
        ("TOP", "2026-02"): Decimal("2.35"),
    }
    assert not ExchangeRate.objects.filter(is_demo=True).exists()
    euro = ExchangeRate.objects.get(currency="EUR", month=JAN)
    assert [row.rate for row in euro.history.all()] == [Decimal("0.92"), Decimal("0.9")]
    latest = euro.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        superuser,
        "Imported from UN rates February.csv",
    )
    assert ExchangeRate.objects.get(currency="CHF").history.count() == 1  # left alone


def test_it_reads_an_xlsx_with_month_cells_and_number_cells(admin_client):
    data = xlsx_of(
        (0.93, "EUR", datetime.datetime(2026, 3, 1)),
        (151.2, "JPY", "2026-03"),
        ("1,234.5", "XOF", "2026-03-01"),
        header=("Rate", " Currency ", "MONTH"),
    )

    response = upload(admin_client, data, "rates.xlsx")

    assert response.status_code == 302, refused(response)
    assert rates() == {
        ("EUR", "2026-03"): Decimal("0.93"),
        ("JPY", "2026-03"): Decimal("151.2"),
        ("XOF", "2026-03"): Decimal("1234.5"),
    }


# --- Import rates: all or nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("EURO,2026-01,0.9", "currency: Give the currency's three-letter ISO 4217 code"),
        ("USD,2026-01,1", "currency: US dollars need no rate"),
        (",2026-01,0.9", "currency: required, but empty"),
        ("EUR,January 2026,0.9", "month: “January 2026” is not a month; write it as YYYY-MM"),
        ("EUR,2026-13,0.9", "month: “2026-13” is not a month"),
        ("EUR,2026-01-15,0.9", "month: “2026-01-15” is not a month"),
        ("EUR,,0.9", "month: required, but empty"),
        ("EUR,2026-01,0", "rate: 0 is not more than 0"),
        ("EUR,2026-01,-0.9", "rate: -0.9 is not more than 0"),
        ("EUR,2026-01,lots", "rate: “lots” is not a number"),
        ('EUR,2026-01,"0,92"', "rate: “0,92” is not a number"),
        ("EUR,2026-01,0.1234567", "rate: 0.1234567 has more than 6 decimals"),
        ("EUR,2026-01,1e20", "rate: 1e20 is too large"),
        ("EUR,2026-01,NaN", "rate: “NaN” is not a number"),
        ("EUR,2026-01,", "rate: required, but empty"),
    ],
)
def test_a_bad_row_refuses_the_file_and_is_named_with_its_number(admin_client, row, message):
    data = csv_of("CHF,2026-01,0.88", row, "JPY,2026-01,150")

    response = upload(admin_client, data)

    errors = refused(response)
    assert len(errors) == 1 and errors[0].startswith(f"row 3: {message}"), errors
    page = response.content.decode()
    assert "Nothing was imported: 1 error." in page
    assert not ExchangeRate.objects.exists()


def test_every_bad_row_is_named_and_nothing_is_saved(admin_client):
    ExchangeRateFactory(currency="EUR", month=JAN, rate=Decimal("0.90"))
    data = csv_of("EUR,2026-01,0.95", "XYZ,2026-01,1", "CHF,2026-1,0.88", "CHF,2026-01,0.87")

    errors = refused(upload(admin_client, data))

    assert errors[0].startswith("row 3: currency:")
    assert errors[1] == ("row 5: CHF of 2026-01 is given in row 4 too: give each month's rate once")
    assert len(errors) == 2
    assert rates() == {("EUR", "2026-01"): Decimal("0.90")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_of("EUR,0.9", header="currency,rate"), "The file lacks the column “month”."),
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty."),
        (csv_of(), "The file has no rates"),
        (b"%PDF-1.4 not a sheet\x00\x01", "This file is not an .xlsx or .csv spreadsheet."),
        (b"PK\x03\x04 a broken zip", "This file is not an .xlsx or .csv spreadsheet."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(admin_client, data, message):
    assert file_error(upload(admin_client, data)).startswith(message)
    assert not ExchangeRate.objects.exists()


def test_a_file_of_too_many_rows_is_refused(admin_client, monkeypatch):
    from initiatives import exchange_rates

    monkeypatch.setattr(exchange_rates, "MAX_ROWS", 2)
    data = csv_of("EUR,2026-01,0.9", "EUR,2026-02,0.9", "EUR,2026-03,0.9")

    assert file_error(upload(admin_client, data)).startswith("The file has more than 3 rows")
    assert not ExchangeRate.objects.exists()


def test_administrators_keep_the_rates_and_viewers_only_read_them(client, db):
    administrator = UserFactory(role="Administrator", is_staff=True)
    viewer = UserFactory(role="Viewer", is_staff=True)

    assert administrator.has_perms(
        ["initiatives.add_exchangerate", "initiatives.change_exchangerate"]
    )
    assert viewer.has_perm("initiatives.view_exchangerate")
    assert not viewer.has_perm("initiatives.add_exchangerate")
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    client.force_login(administrator)
    assert client.get(IMPORT_URL).status_code == 200
