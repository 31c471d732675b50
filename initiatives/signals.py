"""Every expected result has its computed indicators: the reference fixtures carry them
(build_reference_fixtures), and an expected result saved otherwise (the admin, a script)
gets them here. Not when loaddata saves one (raw): a fixture or a backup brings its own."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from initiatives.models import ExpectedResult, Indicator


@receiver(post_save, sender=ExpectedResult, dispatch_uid="expected_result_computed_indicators")
def add_computed_indicators(sender, instance, raw=False, **kwargs):
    if not raw:
        Indicator.objects.add_computed([instance])
