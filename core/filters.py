"""The list pages' filter sets (django-filter).

A filter filled in wrongly — a region or department that names nothing or several, a date that is not one — shows
its message on the field, and the list shows no rows rather than every row as if it were filtered: an official who
typed a region that does not exist must not read the whole province's list as that region's. The API's django-filter
backend refuses the same query with a 400 and the field's message.
"""

from __future__ import annotations

import copy

import django_filters


class ListFilterSet(django_filters.FilterSet):
    @property
    def qs(self):
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    @property
    def form(self):
        """django-filter's form, with the fields of this filter set's own filters, but of a class made once per filter
        set class. django-filter makes a new form class for every filter set (its filters' fields as the class's
        fields), which the form then deep-copies; here each filter made its field for this filter set alone
        (`_filter_copy`), so the form takes them as they are. The fields and their order are django-filter's: the
        form class's own declared fields, then each filter's field (one of the same name in the declared field's
        place). A filter set that makes its own form class (`get_form_class`) gets django-filter's way."""
        if type(self).get_form_class is not django_filters.FilterSet.get_form_class:
            return super().form
        if not hasattr(self, "_form"):
            form_class = _form_classes.get(type(self))
            if form_class is None:
                form_class = type(f"{type(self).__name__}Form", (self._meta.form,), {})
                _form_classes[type(self)] = form_class
            form = form_class(self.data if self.is_bound else None, prefix=self.form_prefix)
            form.fields.update((name, filter_.field) for name, filter_ in self.filters.items())
            self._form = form
        return self._form


_form_classes: dict[type, type] = {}


def _filter_copy(filter_, memo):
    """A filter set's own copy of a declared filter: django-filter deep-copies every filter of the class for each
    filter set (the querysets of the choice filters, lazy labels and their arguments: about five hundred objects per
    list page). What a filter set changes of its filters is their own attributes (`model` and `parent`, set for
    every copy; a `queryset` put in place by a subclass) and their `extra` arguments, which are copied; the form
    field made from them, and the call of a filter `method` on the filter set, are made again for each copy. The
    rest is read, never changed, and shared."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    copied.__dict__.pop("_field", None)
    if isinstance(copied.__dict__.get("filter"), django_filters.filters.FilterMethod):
        copied.method = filter_.method  # a filter `method` is found on the copy's own parent
    return copied


def install() -> None:
    """Copy declared filters for each filter set without copying what no filter set changes (called from core's
    AppConfig.ready)."""
    django_filters.filters.Filter.__deepcopy__ = _filter_copy
