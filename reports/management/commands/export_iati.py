"""Write the IATI 2.03 activity file of a region's activities of a year, as its page
/reports/<REGION>/<YEAR>/iati.xml gives it, after checking it against the schema: a file that
does not validate is not written, and the command fails naming the schema's errors.

    python manage.py export_iati ASP 2026 --output iati-ASP-2026.xml
    python manage.py export_iati --all-regions 2026 --plan WTDC-25 > iati-2026.xml
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.models import Region
from reports import iati
from reports.forms import PeriodForm


class Command(BaseCommand):
    help = "Write the IATI 2.03 activity file of a region (or of all regions) for a year."

    def add_arguments(self, parser):
        parser.add_argument("region", nargs="?", help="the region's code, e.g. ASP")
        parser.add_argument("year", type=int, help="the year, e.g. 2026")
        parser.add_argument(
            "--all-regions", action="store_true", help="every region's activities in one file"
        )
        parser.add_argument(
            "--plan", default="", help="the action plan's code (default: the current plan)"
        )
        parser.add_argument(
            "--output", type=Path, help="the file to write (default: standard output)"
        )

    def handle(self, *args, region, year, all_regions, plan, output, **options):
        if bool(region) == all_regions:
            raise CommandError("Give a region's code, or --all-regions, not both.")
        period = PeriodForm({"plan": plan, "year": year})
        if not period.is_valid():
            errors = [f"{period[name].label}: {' '.join(e)}" for name, e in period.errors.items()]
            raise CommandError("; ".join(errors))
        plan, year = period.cleaned_data["plan"], period.cleaned_data["year"]
        if all_regions:
            document = iati.all_regions_document(plan, year)
        else:
            try:
                region = Region.objects.get(code=region)
            except Region.DoesNotExist:
                raise CommandError(f"There is no region with the code {region!r}.") from None
            document = iati.region_document(region, plan, year)
        if not len(document):
            raise CommandError(f"No activity to publish for {plan.code}, {year}: no file.")
        errors = iati.validate(document)
        if errors:
            raise CommandError(
                "The IATI file does not validate against the 2.03 schema, so it was not "
                "written:\n" + "\n".join(errors)
            )
        content = iati.to_bytes(document)
        if output is None:
            self.stdout.write(content.decode(), ending="")
        else:
            # Written beside it, then renamed: whoever reads the published file (a web server,
            # the IATI Registry) sees the old file or the new one, never half of one.
            partial = output.with_name(f".{output.name}.partial")
            try:
                partial.write_bytes(content)
                partial.replace(output)
            finally:
                partial.unlink(missing_ok=True)
            self.stderr.write(f"Wrote {len(document)} activities to {output}.")
