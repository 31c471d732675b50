"""`in` on integer columns that leaves out the numbers no such column can hold.

Django's own `exact`, `gt`, `lt`… already treat a number out of the column's range as matching
nothing (Django ticket #27397); `in` does not, and SQLite then fails with `OverflowError: Python
int too large to convert to SQLite INTEGER`. So an id like 1180591620717411303424 posted to a
multiple choice (countries, expected results, target groups — forms, filters, the admin,
imports) would answer 500. With this lookup it is simply not found: "Select a valid choice".
Registered on `IntegerField` (and so on every id column) by `InitiativesConfig.ready`.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


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


def register():
    IntegerField.register_lookup(IntegerFieldIn)
