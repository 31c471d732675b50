"""Write fixtures/ from the published reference files in fixtures/source/ (countries CSV,
initiatives text), our own list of the countries' other names (country_other_names.csv) and the
country groups below (the UN's LDC, SIDS, LLDC, and the Pacific island countries).

Maintainers run this when the source files change; users never need it, because the fixtures it
writes are committed. It reads no database: the fixtures are built from the files alone.
"""

import csv
import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from initiatives.models import Indicator

REGIONS = [
    ("AFR", "Africa"),
    ("AMS", "Americas"),
    ("ARB", "Arab States"),
    ("ASP", "Asia and the Pacific"),
    ("CIS", "Commonwealth of Independent States"),
    ("EUR", "Europe"),
]
ACTION_PLAN = {
    "code": "WTDC-25",
    "name": "Baku Action Plan",
    "conference": "World Telecommunication Development Conference, Baku, Azerbaijan, "
    "17–28 November 2025",
    "start_year": 2026,
    "end_year": 2029,
}
# The country groups: the UN's (the countries CSV says who is in them) and ours, each with
# where its membership comes from. (code, name, member name, region code or None, source)
COUNTRY_GROUPS = [
    (
        "LDC",
        "Least developed countries",
        "Least developed country",
        None,
        "UN list of Least Developed Countries (UN DESA, Committee for Development Policy).",
    ),
    (
        "SIDS",
        "Small island developing states",
        "Small island developing state",
        None,
        "UN-OHRLLS list of Small Island Developing States.",
    ),
    (
        "LLDC",
        "Landlocked developing countries",
        "Landlocked developing country",
        None,
        "UN-OHRLLS list of Landlocked Developing Countries.",
    ),
    (
        "PIC",
        "Pacific island countries",
        "Pacific island country",
        "ASP",
        "The Forum Island Countries of the Pacific Islands Forum (forumsec.org, members of the "
        "Forum) that are ITU Member States. Not ITU Member States, so not here: Cook Islands, "
        "Niue, French Polynesia, New Caledonia. Australia and New Zealand are Forum members but "
        "not Forum Island Countries. Membership since before our records; to be confirmed "
        "with the Asia and the Pacific regional office.",
    ),
]
PACIFIC_ISLAND_COUNTRIES = [
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
TARGET_GROUPS = [
    ("women-and-girls", "Women and girls"),
    ("youth", "Youth"),
    ("persons-with-disabilities", "Persons with disabilities"),
    ("older-persons", "Older persons"),
    ("indigenous-peoples", "Indigenous peoples"),
    ("rural-and-remote-communities", "Rural and remote communities"),
]
# A footnote mark of the source document, glued to the word before it.
FOOTNOTE_MARKS = [("vulnerable situations1;", "vulnerable situations;")]
INITIATIVE_HEADING = re.compile(r"^(?P<code>[A-Z]{3}\d+): (?P<title>.+)$")


def parse_initiatives(text):
    """Read the published initiatives text: a heading, an objective, then '- ' results."""
    initiatives = []
    for line in text.splitlines():
        line = line.strip()
        if match := INITIATIVE_HEADING.match(line):
            initiatives.append({**match.groupdict(), "objective": "", "results": []})
        elif not initiatives:
            continue
        elif line.startswith("Objective: "):
            initiatives[-1]["objective"] = line.removeprefix("Objective: ")
        elif line.startswith("- "):
            result = line.removeprefix("- ")
            for mark, clean in FOOTNOTE_MARKS:
                result = result.replace(mark, clean)
            initiatives[-1]["results"].append(result)
    return initiatives


def read_other_names(rows, names):
    """{iso3: [other name, ...]} from the rows of country_other_names.csv (iso3, other_name), in
    their order. `names` maps each country's ISO alpha-3 code to its name. A name names one
    country once: an unknown code, an empty name or one already used (as a country's name or
    other name) raises CommandError."""
    other_names, owner = {}, {name.casefold(): iso3 for iso3, name in names.items()}
    for line, row in enumerate(rows, start=2):
        iso3, name = row["iso3"].strip(), " ".join(row["other_name"].split())
        if iso3 not in names:
            raise CommandError(f"Other names, line {line}: no country has the code {iso3!r}.")
        if not name:
            raise CommandError(f"Other names, line {line}: the name is empty.")
        if name.casefold() in owner:
            raise CommandError(
                f"Other names, line {line}: {name!r} already names {names[owner[name.casefold()]]}."
            )
        owner[name.casefold()] = iso3
        other_names.setdefault(iso3, []).append(name)
    return other_names


def country_fixtures(rows, other_names=None):
    """The countries and their designations; `other_names` as read_other_names returns them."""
    other_names = other_names or {}
    countries, designations = [], []
    for row in rows:
        iso3 = row["iso3"]
        countries.append(
            {
                "model": "initiatives.country",
                "fields": {
                    "iso3": iso3,
                    "iso2": row["iso2"],
                    "m49": row["m49"],
                    "name": row["name"],
                    "other_names": "\n".join(other_names.get(iso3, [])),
                    "region": [row["itu_region"]],
                    "note": row["notes"].strip(),
                },
            }
        )
        if row["ldc"] in ("yes", "former"):
            designations.append(designation(iso3, "LDC", row["ldc_until"] or None))
        if row["sids"] == "yes":
            designations.append(designation(iso3, "SIDS", None))
        if row["lldc"] == "yes":
            designations.append(designation(iso3, "LLDC", None))
        if iso3 in PACIFIC_ISLAND_COUNTRIES:
            designations.append(designation(iso3, "PIC", None))
    return countries, designations


def country_group_fixtures():
    return [
        {
            "model": "initiatives.countrygroup",
            "fields": {
                "code": code,
                "name": name,
                "member_name": member_name,
                "region": [region] if region else None,
                "position": position,
                "source": source,
            },
        }
        for position, (code, name, member_name, region, source) in enumerate(
            COUNTRY_GROUPS, start=1
        )
    ]


def computed_indicators(result_key):
    """The computed indicators every expected result has (`Indicator.objects.add_computed`
    makes them for results saved later), for the result of natural key `result_key`."""
    return [
        {
            "model": "initiatives.indicator",
            "fields": {
                "expected_result": result_key,
                "code": measure.computed_code,
                "name": measure.label,
                "measure": measure.value,
                "aggregation": measure.computed_aggregation.value,
            },
        }
        for measure in Indicator.Measure
        if measure != Indicator.Measure.REPORTED
    ]


def designation(iso3, group, end_date):
    return {
        "model": "initiatives.designation",
        "fields": {
            "country": [iso3],
            "group": group,
            "start_date": None,
            "end_date": end_date,
            "note": "",
        },
    }


class Command(BaseCommand):
    help = "Build fixtures/*.json from the reference CSV and initiatives text."

    def add_arguments(self, parser):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        parser.add_argument("--source", type=Path, default=fixtures / "source")
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "fixtures")
        # Ours, not a published file: it stays with the project whichever --source is read.
        parser.add_argument(
            "--other-names", type=Path, default=fixtures / "source" / "country_other_names.csv"
        )

    def handle(self, *args, source, output, other_names, **options):
        countries_csv = source / "countries.csv"
        initiatives_txt = source / "wtdc25-asp-regional-initiatives.txt"
        for path in (countries_csv, initiatives_txt):
            if not path.exists():
                raise CommandError(f"{path} does not exist; pass --source.")
        if not other_names.exists():
            raise CommandError(f"{other_names} does not exist; pass --other-names.")

        with countries_csv.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        with other_names.open(encoding="utf-8", newline="") as f:
            names = read_other_names(csv.DictReader(f), {row["iso3"]: row["name"] for row in rows})
        countries, designations = country_fixtures(rows, names)
        initiatives = parse_initiatives(initiatives_txt.read_text(encoding="utf-8"))

        self.write(
            output / "regions.json",
            [
                {"model": "initiatives.region", "fields": {"code": code, "name": name}}
                for code, name in REGIONS
            ],
        )
        # The groups first: the designations name them.
        self.write(output / "countries.json", country_group_fixtures() + countries + designations)
        plan = [{"model": "initiatives.actionplan", "fields": ACTION_PLAN}]
        for initiative in initiatives:
            plan.append(
                {
                    "model": "initiatives.initiative",
                    "fields": {
                        "action_plan": [ACTION_PLAN["code"]],
                        "region": [initiative["code"][:3]],
                        "code": initiative["code"],
                        "title": initiative["title"],
                        "objective": initiative["objective"],
                    },
                }
            )
            for number, text in enumerate(initiative["results"], start=1):
                plan.append(
                    {
                        "model": "initiatives.expectedresult",
                        "fields": {
                            "initiative": [ACTION_PLAN["code"], initiative["code"]],
                            "number": number,
                            "text": text,
                        },
                    }
                )
                plan.extend(computed_indicators([ACTION_PLAN["code"], initiative["code"], number]))
        self.write(output / "wtdc25.json", plan)
        self.write(
            output / "target_groups.json",
            [
                {
                    "model": "activities.targetgroup",
                    "fields": {"code": code, "name": name, "order": order},
                }
                for order, (code, name) in enumerate(TARGET_GROUPS, start=1)
            ],
        )

    def write(self, path, objects):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(objects, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {len(objects)} objects to {path}")
