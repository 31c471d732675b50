"""Write fixtures/demo.json — the demo activities of the Asia-Pacific office with their budget
lines, their progress reports with their expenditure, the demo indicators with the values
reports give them, and the illustrative rates of exchange the money needs — from the data in
demo.fixture_data (built and checked by demo.fixture).

Maintainers run this when they change the demo; users never need it, because the JSON it writes
is committed and `seed_demo` loads it. It reads no database.
"""

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.fixture import MISSING_RATES, budget_lines, build, expenditures, load_reference
from demo.fixture_data import ACTIVITIES, INDICATORS


class Command(BaseCommand):
    help = (
        "Write fixtures/demo.json from the demo activities, their money, reports and indicators "
        "of demo.fixture_data."
    )

    def add_arguments(self, parser):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        parser.add_argument("--output", type=Path, default=fixtures / "demo.json")

    def handle(self, *args, output, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        asp_countries, groups, results = load_reference(fixtures)
        objects = build(ACTIVITIES, INDICATORS, asp_countries, results)
        output.write_text(json.dumps(objects, indent=2, ensure_ascii=False) + "\n", "utf-8")
        self.stdout.write(f"Wrote {len(objects)} objects to {output}")
        self.summarize(asp_countries, groups, results)

    def summarize(self, asp_countries, groups, results):
        """What a maintainer checks: spread of statuses and states, and the gaps left open."""
        reports = [r for d in ACTIVITIES for r in d.reports]
        self.stdout.write(f"Activities: {len(ACTIVITIES)}")
        self.stdout.write(f"  by status: {dict(Counter(d.status for d in ACTIVITIES))}")
        self.stdout.write(f"  by modality: {dict(Counter(d.modality for d in ACTIVITIES))}")
        self.stdout.write(f"  by funding: {dict(Counter(d.funding for d in ACTIVITIES))}")
        lines = [line for d in ACTIVITIES for line in budget_lines(d)]
        sources = Counter((source, currency) for _y, source, _p, currency, _a in lines)
        self.stdout.write(f"Budget lines: {len(lines)} by source and currency: {dict(sources)}")
        spent = [s for d in ACTIVITIES for r in d.reports for s in expenditures(d, r)]
        self.stdout.write(f"Expenditures of approved reports: {len(spent)}")
        split = [d.title for d in ACTIVITIES if d.shares]
        self.stdout.write(f"Activities with shares set by an editor: {split}")
        self.stdout.write(
            "Rates left out on purpose: "
            + ", ".join(f"{currency} {month:%Y-%m}" for currency, month in sorted(MISSING_RATES))
        )
        self.stdout.write(f"Reports: {len(reports)} {dict(Counter(r.state for r in reports))}")
        used = {code for d in ACTIVITIES for code in d.results}
        self.stdout.write(f"Expected results with no activity: {sorted(set(results) - used)}")
        reached = {
            c for d in ACTIVITIES if d.status in ("ongoing", "completed") for c in d.countries
        }
        unreached = sorted(
            f"{c} ({'/'.join(groups[c])})"
            for c in asp_countries
            if c in groups and c not in reached
        )
        self.stdout.write(f"LDC/SIDS/LLDC not reached: {unreached}")
        values = dict(Counter(r.state for r in reports for _ in r.values))
        self.stdout.write(f"Demo indicators: {len(INDICATORS)}; values by report state: {values}")
        unmeasured = sorted(used - {indicator.result for indicator in INDICATORS})
        self.stdout.write(f"Expected results with activities but no indicator: {unmeasured}")
        valued = {code for r in reports if r.state == "approved" for code in r.values}
        unvalued = sorted(i.code for i in INDICATORS if i.code not in valued)
        self.stdout.write(f"Indicators with no approved value: {unvalued}")
