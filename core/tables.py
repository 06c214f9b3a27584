"""Tables whose rows carry figures read for the shown page only.

A list page shows 25 rows of a table that may hold 200,000. Figures computed by a subquery per row (a count, a sum,
"is it listed") or by a grouped join (`COUNT(DISTINCT …)`) make the database compute them for every row it sorts or
skips, or group every row before the page is cut. A `PageFactsTable` names instead a function of its app's selectors
that takes the page's records and sets those figures on them with one query scoped to their ids
(`WHERE id IN (…25 ids…)`), after the page was cut: the list's own query stays a range of an index.

The same functions serve the API (`api.views.common.ApiViewSet.page_facts`) and exports (`facts_in_chunks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import django_tables2 as tables

PageFacts = Callable[[list[Any]], Any]


class PageFactsTable(tables.Table):
    """A django-tables2 table that calls `page_facts(records)` on the records of the page it was cut to."""

    page_facts: PageFacts | None = None

    def paginate(self, *args, **kwargs):
        super().paginate(*args, **kwargs)
        facts = type(self).page_facts
        if facts is not None:
            # The page's rows are a sliced queryset (or a list): evaluated once here, kept for the template.
            records = self.page.object_list.data
            facts(list(records))
        return self


def facts_in_chunks(rows: Iterable[Any], facts: PageFacts, size: int) -> Iterator[Any]:
    """Every row of `rows` (e.g. `queryset.iterator(chunk_size=size)`), with `facts` applied a chunk at a time."""
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            facts(chunk)
            yield from chunk
            chunk = []
    if chunk:
        facts(chunk)
        yield from chunk
