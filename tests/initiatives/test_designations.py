"""LDC/SIDS/LLDC membership is always asked as of a date: countries graduate."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from initiatives.models import Country, Designation

day = datetime.date


def codes(groups):
    return [group.code for group in groups]


def in_group(iso3, group, on):
    return Country.objects.in_group(group, on=on).filter(iso3=iso3).exists()


@pytest.mark.parametrize(
    ("iso3", "last_day_as_ldc", "graduation_day"),
    [
        ("BTN", day(2023, 12, 12), day(2023, 12, 13)),
        ("STP", day(2024, 12, 12), day(2024, 12, 13)),
        ("LAO", day(2026, 11, 23), day(2026, 11, 24)),
        ("VUT", day(2020, 12, 3), day(2020, 12, 4)),
    ],
)
def test_a_country_is_an_ldc_until_the_day_before_it_graduates(
    db, iso3, last_day_as_ldc, graduation_day
):
    assert in_group(iso3, "LDC", on=last_day_as_ldc)
    assert not in_group(iso3, "LDC", on=graduation_day)
    country = Country.objects.get(iso3=iso3)
    assert "LDC" in codes(country.groups_on(last_day_as_ldc))
    assert "LDC" not in codes(country.groups_on(graduation_day))


@pytest.mark.parametrize("iso3", ["BGD", "NPL"])
def test_bangladesh_and_nepal_are_still_ldcs(db, iso3):
    assert in_group(iso3, "LDC", on=day(2026, 11, 29))
    assert in_group(iso3, "LDC", on=day(2030, 1, 1))


def test_tuvalu_is_an_ldc_and_a_sids(db):
    assert codes(Country.objects.get(iso3="TUV").groups_on(day(2026, 6, 1))) == [
        "LDC",
        "SIDS",
        "PIC",
    ]


def test_mongolia_is_landlocked(db):
    assert codes(Country.objects.get(iso3="MNG").groups_on(day(2026, 6, 1))) == ["LLDC"]
    assert in_group("MNG", "LLDC", on=day(2026, 6, 1))


def test_palau_is_an_asia_pacific_sids(db):
    palau = Country.objects.get(iso3="PLW")
    assert palau.region.code == "ASP"
    assert codes(palau.groups_on(day(2026, 6, 1))) == ["SIDS", "PIC"]


def test_a_years_figures_count_a_country_in_a_group_it_was_in_on_any_day(db):
    ldcs_2026 = Country.objects.in_group_during("LDC", 2026)
    ldcs_2027 = Country.objects.in_group_during("LDC", 2027)
    assert ldcs_2026.filter(iso3="LAO").exists()
    assert not ldcs_2027.filter(iso3="LAO").exists()
    assert not Country.objects.in_group_during("LDC", 2024).filter(iso3="BTN").exists()
    assert Country.objects.in_group_during("LDC", 2023).filter(iso3="BTN").exists()


def test_a_designation_starting_later_counts_only_from_its_start(db):
    mongolia = Country.objects.get(iso3="MNG")
    Designation.objects.create(country=mongolia, group_id="SIDS", start_date=day(2027, 3, 1))
    assert not in_group("MNG", "SIDS", on=day(2027, 2, 28))
    assert in_group("MNG", "SIDS", on=day(2027, 3, 1))
    assert not Country.objects.in_group_during("SIDS", 2026).filter(iso3="MNG").exists()
    assert Country.objects.in_group_during("SIDS", 2027).filter(iso3="MNG").exists()


def test_counts_of_asia_pacific_groups_today(db):
    asp = Country.objects.in_region("ASP")
    on = day(2026, 11, 29)
    assert asp.in_group("LDC", on=on).count() == 9
    assert asp.in_group("SIDS", on=on).count() == 15
    assert asp.in_group("LLDC", on=on).count() == 5


def test_full_clean_explains_an_end_before_the_start(db):
    designation = Designation(
        country=Country.objects.get(iso3="FJI"),
        group_id="LDC",
        start_date=day(2026, 1, 1),
        end_date=day(2025, 1, 1),
    )
    with pytest.raises(ValidationError, match=r"The end date must be after the start date\."):
        designation.full_clean()
