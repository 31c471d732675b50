"""`in` on integer columns that leaves out the numbers no such column can hold; and `in_ids`,
ids that the database reads as one parameter.

Django's own `exact`, `gt`, `lt`… already treat a number out of the column's range as matching
nothing (Django ticket #27397); `in` does not, and SQLite then fails with `OverflowError: Python
int too large to convert to SQLite INTEGER`. So an id like 1180591620717411303424 posted to a
multiple choice (countries, expected results, target groups — forms, filters, the admin,
imports) would answer 500. With this lookup it is simply not found: "Select a valid choice".
Both registered on `IntegerField` (and so on every id column), `in_ids` on foreign keys too, by
`InitiativesConfig.ready`.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.lookups import In, Lookup


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not self.rhs:
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class InIds(Lookup):
    """`activity__in_ids=ids`: the rows whose column is one of `ids`, ids fetched once, given as
    one parameter whatever their number.

    A page that filters several queries by the same set of activities fetches their ids once
    and gives them so, rather than making the database work out the set again in each query
    (a dashboard's "activities counted in the year for the plan" costs a join of thousands of
    rows). Unlike `__in=[…]`, whose every id is a parameter, it has no limit on their number
    (SQLite allows 32,766 parameters, PostgreSQL 65,535); on PostgreSQL, `= ANY(array)` lets
    the planner count them, so that it reads thousands of ids with a hash, a few by index.
    """

    lookup_name = "in_ids"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        # SQLite (and the rest): the ids as a JSON array, read by the built-in json_each.
        lhs, params = self.process_lhs(compiler, connection)
        # lhs: a column as Django compiles it; the ids are a parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608  # nosec B608
        return sql, [*params, json.dumps(self._ids())]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, self._ids()]

    def _ids(self):
        return sorted(self.rhs)


def register():
    IntegerField.register_lookup(IntegerFieldIn)
    IntegerField.register_lookup(InIds)
    ForeignObject.register_lookup(InIds)
