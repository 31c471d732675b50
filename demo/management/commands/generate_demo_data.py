"""Generate synthetic activities, with their money, progress reports and history, at scale, or
remove them: for development and benchmarks only (see demo.generator and demo.generated)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import generated, generator


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: {value!r} is not a date like 2026-11-29.") from None


class Command(BaseCommand):
    help = (
        "Generate N synthetic activities in every region over two action-plan cycles, with "
        "their countries, expected results, budget lines, progress reports, expenditure and "
        "history, and the initiatives and rates of exchange they need (deterministic for a "
        "seed), or remove them with --clear. "
        "Only with DEBUG=True."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, help="How many activities to make.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove what the command made before; with --activities, then generate.",
        )
        parser.add_argument(
            "--as-of",
            type=iso_date,
            help="The day the data describes, YYYY-MM-DD (default: today).",
        )

    def handle(self, *args, activities=None, seed=1, clear=False, as_of=None, **options):
        if not settings.DEBUG:
            raise CommandError(
                "generate_demo_data is for development and benchmarks: it only runs with "
                "DEBUG=True."
            )
        if activities is None and not clear:
            raise CommandError("Give --activities N to generate, or --clear to remove.")
        if activities is not None and not 1 <= activities <= generator.MAX_ACTIVITIES:
            raise CommandError(
                f"--activities must be between 1 and {generator.MAX_ACTIVITIES:,}, "
                f"not {activities:,}."
            )
        if clear:
            try:
                removed = generated.clear()
            except generated.DemoDataError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Removed {removed['activities']:,} generated activities, "
                f"{removed['reports']:,} progress reports, {removed['users']:,} users, "
                f"{removed['plans']:,} action plan{'' if removed['plans'] == 1 else 's'}, "
                f"{removed['initiatives']:,} initiatives, "
                f"{removed['expected_results']:,} expected results and "
                f"{removed['rates']:,} rates of exchange."
            )
        elif generated.generated_data_exists():
            raise CommandError("Generated data is already there: add --clear to remove it first.")
        if activities is None:
            return

        step = max(activities // 10, 1)  # a line per tenth
        shown = 0

        def progress(done, total):
            nonlocal shown
            if done // step > shown // step or done == total:
                self.stdout.write(f"{done:,} of {total:,} activities…")
                shown = done

        try:
            summary = generator.generate(activities, seed=seed, as_of=as_of, progress=progress)
        except generated.DemoDataError as error:
            raise CommandError(str(error)) from error
        states = ", ".join(
            f"{state.label.lower()} {summary.report_states[state]:,}" for state in generator.State
        )
        statuses = ", ".join(
            f"{status.label.lower()} {summary.statuses[status]:,}" for status in generator.Status
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.activities:,} activities ({statuses}), "
                f"{summary.reports:,} progress reports ({states}) with "
                f"{summary.indicator_values:,} indicator values, {summary.budget_lines:,} "
                f"budget lines and {summary.expenditures:,} expenditures, {summary.users:,} "
                f"users, {summary.initiatives:,} initiatives, {summary.expected_results:,} "
                f"expected results and {summary.rates:,} rates of exchange in "
                f"{summary.seconds:.1f} seconds."
            )
        )
        year, plan = summary.as_of.year, summary.plan
        counted = generator.counted_per_region(year, plan)
        self.stdout.write(
            f"Activities that count in {year} for {plan.code}, per region: "
            + ", ".join(f"{code} {count:,}" for code, count in counted.items())
            + "."
        )
