"""The list pages' filter sets (django-filter).

A filter filled in wrongly — a region or department that names nothing or several, a date that is not one — shows
its message on the field, and the list shows no rows rather than every row as if it were filtered: an official who
typed a region that does not exist must not read the whole province's list as that region's. The API's django-filter
backend refuses the same query with a 400 and the field's message.
"""

from __future__ import annotations

import django_filters


class ListFilterSet(django_filters.FilterSet):
    @property
    def qs(self):
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs
