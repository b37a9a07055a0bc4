"""Django's JSON serialisation, keeping datetimes to the microsecond.

Django's encoder cuts datetimes to milliseconds (as ECMA-262 does); a backup must bring
back exactly what was stored. A reference to a deleted row (a deleted page's log entries)
is kept as its id. Registered as the "fulljson" format in settings.
"""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = FullPrecisionEncoder

    def handle_fk_field(self, obj, field):
        """A reference to a row that is gone, as its id (natural keys need the row).

        Wagtail keeps the log entries of deleted pages (their `page` has no database
        constraint) for the admin's history: `dumpdata --natural-foreign` failed on them.
        """
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            self._current[field.name] = self._value_from_field(obj, field)


Deserializer = django_json.Deserializer
