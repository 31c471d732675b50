"""`in_ids` (initiatives/lookups.py): ids fetched once, given to later queries as one
parameter, select exactly those rows on SQLite and PostgreSQL, however many there are."""

from activities.models import Activity, BudgetLine
from tests.factories import ActivityFactory, BudgetLineFactory


def test_in_ids_selects_exactly_the_rows_it_names(db):
    first, second, third = ActivityFactory.create_batch(3)
    for activity in (first, second, third):
        BudgetLineFactory(activity=activity)

    chosen = {first.pk, third.pk}

    assert set(Activity.objects.filter(pk__in_ids=chosen)) == {first, third}
    lines = BudgetLine.objects.filter(activity__in_ids=chosen)
    assert {line.activity for line in lines} == {first, third}
    assert set(Activity.objects.exclude(pk__in_ids=chosen)) == {second}


def test_no_ids_select_nothing(db):
    ActivityFactory()

    assert not Activity.objects.filter(pk__in_ids=[]).exists()
    assert Activity.objects.exclude(pk__in_ids=set()).count() == 1


def test_more_ids_than_a_query_may_have_parameters_are_one_parameter(db, django_assert_num_queries):
    activity = ActivityFactory()
    many = [activity.pk, *range(10**9, 10**9 + 70_000)]  # over PostgreSQL's 65,535 parameters

    with django_assert_num_queries(1):
        assert list(Activity.objects.filter(pk__in_ids=many)) == [activity]
