"""JSON for `dumpdata`/`loaddata` that a deletion cannot break (settings.SERIALIZATION_MODULES).

With `--natural-foreign`, dumpdata names a related row by its natural key, so it fetches that
row. History rows keep pointing at rows deleted since (simple-history's foreign keys have no
database constraint, on purpose: a deleted activity's history stays), and Django's serializer
then stops the whole backup with "Activity matching query does not exist". This one writes the
plain id of such a row instead; loaddata reads an id or a natural key alike. Otherwise it is
Django's JSON format, unchanged.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers import json


class Serializer(json.Serializer):
    def handle_fk_field(self, obj, field):
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            self._current[field.name] = getattr(obj, field.attname)


Deserializer = json.Deserializer
