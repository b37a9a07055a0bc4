"""Django's JSON serialisation, keeping datetimes to the microsecond.

Django's encoder cuts datetimes to milliseconds (as ECMA-262 does); a backup must bring
back exactly what was stored. Registered as the "fulljson" format in settings.
"""

import datetime

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


Deserializer = django_json.Deserializer
