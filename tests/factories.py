"""factory-boy factories for work data and users; reference data comes from the fixtures."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from activities.models import Activity, ProgressReport, RegionAssignment
from initiatives.models import Country, ExpectedResult, Region

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `role="Editor"` puts them in that group, `regions=["ASP"]` assigns regions."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            for code in extracted:
                RegionAssignment.objects.create(user=self, region=Region.objects.get(code=code))


def expected_result(code):
    """ExpectedResult by its display code, e.g. "ASP3.4" (of the Baku Action Plan)."""
    initiative_code, number = code.split(".")
    return ExpectedResult.objects.get(
        initiative__action_plan__code="WTDC-25", initiative__code=initiative_code, number=number
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity in Asia-Pacific; `countries=["TON"]` and `expected_results=["ASP1.3"]` by code."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Activity {n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="ASP"))
    status = Activity.Status.ONGOING
    modality = Activity.Modality.CAPACITY_BUILDING
    start_date = datetime.date(2026, 2, 1)
    end_date = datetime.date(2026, 11, 30)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["TON"]
            self.countries.set(Country.objects.filter(iso3__in=codes))

    @factory.post_generation
    def expected_results(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["ASP1.3"]
            self.expected_results.set([expected_result(code) for code in codes])


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    activity = factory.SubFactory(ActivityFactory)
    year = 2026
    quarter = 2
    activity_status = Activity.Status.ONGOING
    percent_complete = 40
    achievements = "Trained 40 officials of the regulator."
    author = factory.SubFactory(UserFactory)
