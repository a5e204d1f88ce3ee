"""Paging a list: bounded and estimated counts, keys before rows, keyset cursors, key sources and the
statistics' placement of a typed page number (``LateRowPaginator``)."""

import dataclasses
import functools
import hashlib
import json
import operator

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils.functional import cached_property
from django_tables2.rows import BoundRows


class BoundedCountPaginator(Paginator):
    """Counts exactly up to LIST_EXACT_COUNT_LIMIT rows, with a bounded subquery; past it, an estimate
    (``estimated``), so the cost of a page does not grow with the table."""

    estimated = False

    def _queryset(self):
        return self.object_list

    @cached_property
    def count(self):
        queryset = self._queryset()
        if not isinstance(queryset, QuerySet):
            return super().count
        counted = self.counted(queryset)
        limit = settings.LIST_EXACT_COUNT_LIMIT
        bounded = counted[: limit + 1].count()
        if bounded <= limit:
            return bounded
        self.estimated = True
        return max(limit + 1, estimated_count(counted))

    def counted(self, queryset):
        """The query whose rows are counted: one per row of the list."""
        return queryset.order_by().values("pk")


class LateRowPaginator(BoundedCountPaginator):
    """Pages a queryset in two steps: the page's keys by the ordering alone, then those rows in full.

    With plain OFFSET the database reads every skipped row in full (on PostgreSQL 1 500 pages down, tens of
    thousands of heap rows); the keys come from the ordering's index instead, and only the page's rows,
    with their annotations and prefetches, are loaded. One more query per page, the same for every page.

    The Next and Previous links carry a cursor (``after`` / ``before``: the sort values of the page's last or
    first row, and that page's number), and such a page seeks to it in the index instead of counting past
    every earlier row, so walking a million-row list costs the same on its last page as on its first. The
    page numbers around the current page link from its cursors too, skipping only the pages between (at most
    a few hundred rows), so a numbered page beside a deep page costs what Next does. A page number typed in
    without a cursor, a sort on a column that can be empty, or a cursor that does not verify, is paged by
    OFFSET as before.

    Each page reads one key more than it shows, to know whether rows follow it: past LIST_EXACT_COUNT_LIMIT
    the count is an estimate, and its last page number is not where the list ends. Next shows while rows
    follow, and the last page by number (the Last link), or any page past it, shows the list's last rows,
    read from the end.
    """

    def __init__(self, object_list, per_page, *args, cursor=None, key_source=None, **kwargs):
        self.cursor = cursor  # ("after" | "before", token) or None
        self.key_source = key_source  # a KeySource, or None: the keys come from the list's own table
        super().__init__(object_list, per_page, *args, **kwargs)

    def _queryset(self):
        # django-tables2 pages its BoundRows, over its TableQuerysetData, over the queryset.
        bound_rows = self.object_list if isinstance(self.object_list, BoundRows) else None
        return bound_rows.data.data if bound_rows is not None else self.object_list

    def page(self, number):
        bound_rows = self.object_list if isinstance(self.object_list, BoundRows) else None
        queryset = self._queryset()
        if not isinstance(queryset, QuerySet) or (bound_rows is not None and any(bound_rows.pinned_data.values())):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.estimated:  # an estimate is no bound: the keys tell
            top = self.count
        keys_queryset = self.keys_queryset(queryset)
        seek = seek_order(keys_queryset)
        if self.key_source is not None and seek and self.key_source.serves(seek):
            keys_queryset, seek_keys = self.key_source.keys(queryset, seek), self.key_source.renamed(seek)
        else:
            seek_keys = seek
        size = top - bottom
        by_cursor = self.keys_by_cursor(keys_queryset, seek, size, seek_keys, number) if seek else None
        keys, more, earlier = [], False, None
        # One key more than the page shows tells whether rows follow it, and read backwards whether rows come
        # before it: past LIST_EXACT_COUNT_LIMIT the count is an estimate, and page numbers only approximate.
        if by_cursor is not None:
            query, backwards = by_cursor
            keys = self.fetch_keys(query)
            if not backwards:
                more, keys = len(keys) > size, keys[:size]
            elif keys:  # the cursor's own page follows
                earlier, more, keys = len(keys) > size, True, keys[:size][::-1]
            else:  # the pages skipped ran past the start of the list: its first rows
                keys = self.fetch_keys(keys_queryset[: size + 1])
                earlier, more, keys = False, len(keys) > size, keys[:size]
        # The last page of a list whose count is an estimate (the Last link), or a cursor's page beyond the rows:
        # the list's last rows, read from the end, where OFFSET would read all of it.
        from_end = self.estimated and number > 1 and (by_cursor is not None or seek and number >= self.num_pages)
        if self.estimated and bottom > settings.LIST_EXACT_COUNT_LIMIT and seek and by_cursor is None and not from_end:
            # A page number typed in, far into a list whose count is an estimate: placed by the statistics
            # (nearer the start, OFFSET reads no more keys than an exact count would, and is exact).
            placed = self.keys_by_statistics(keys_queryset, seek_keys, bottom, size)
            if placed is not None:
                keys, more, earlier = placed
        if not keys and not from_end:
            keys = self.fetch_keys(keys_queryset[bottom : top + 1])
            more = len(keys) > size
            keys = keys[:size]
        if not keys and self.estimated and number > 1:  # (by number: past the end of an estimate too high)
            keys = self.fetch_keys(keys_queryset.reverse()[: self.per_page + 1])
            more, earlier, keys = False, len(keys) > self.per_page, keys[: self.per_page][::-1]
        table = bound_rows.table if bound_rows is not None else None
        rows = loaded_fields(queryset, table, [name for name, _descending in seek or ()])
        loaded = {record.pk: record for record in rows.filter(pk__in=keys)}
        records = [loaded[key] for key in keys if key in loaded]
        if bound_rows is not None:  # never its truth value: that would count the whole queryset
            records_or_rows = BoundRows(data=records, table=bound_rows.table)
        else:
            records_or_rows = records
        if not self.estimated:
            more = earlier = None  # an exact count numbers the pages
        page = ListPage(records_or_rows, number, self, more=more, earlier=earlier)
        page.next_cursor = page_cursor_token(records[-1], seek, number) if seek and records else ""
        page.previous_cursor = page_cursor_token(records[0], seek, number) if seek and records else ""
        return page

    def validate_number(self, number):
        """A page past an estimated count is a real page if rows are there: the count is not a bound."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.estimated and int(number) > 1:
                return int(number)
            raise

    def keys_by_cursor(self, keys_queryset, seek, size, seek_keys, number):
        """The query for the keys of page ``number`` after (or before: in reverse) the cursor's row, skipping the
        pages between the cursor's own page and it, and whether it runs backwards; None when there is no usable
        cursor. ``seek`` names the list's fields (the cursor's), ``seek_keys`` the same columns where
        ``keys_queryset`` holds them (a key source's names)."""
        if not self.cursor or size <= 0:
            return None
        direction, token = self.cursor
        cursor = page_cursor_values(token, seek, self._queryset().model)
        if cursor is None:
            return None
        values, origin = cursor
        if (number <= origin) if direction == "after" else (number > origin):
            return None  # a page on the other side of the cursor: by number
        # (Before page 1 read backwards, with rows before it, the previous page is numbered 1 again.)
        between = number - origin - 1 if direction == "after" else max(0, origin - number - 1)
        skip = between * self.per_page
        if direction == "after":
            return keys_queryset.filter(seek_filter(seek_keys, values, forward=True))[skip : skip + size + 1], False
        before = keys_queryset.filter(seek_filter(seek_keys, values, forward=False)).reverse()
        return before[skip : skip + size + 1], True

    def keys_by_statistics(self, keys_queryset, seek_keys, offset: int, size: int):
        """The keys of the page ``offset`` rows into an estimated list, placed by the database's statistics of
        its first sort column (``column_quantile``) instead of OFFSET over every earlier row: as approximate as
        the count, and as cheap as the first page. Then (keys, whether rows follow, whether rows come before);
        None where the statistics do not describe the list (filtered or scoped to a part of its table, or a
        column whose values repeat), which is then paged by number."""
        column, descending = seek_keys[0]
        fraction = min(1.0, offset / max(1, self.count))
        placed = column_quantile(keys_queryset, column, 1 - fraction if descending else fraction, rows=self.count)
        if placed is None:
            return None
        onwards = {f"{column}__{'lte' if descending else 'gte'}": placed}
        before = {f"{column}__{'gt' if descending else 'lt'}": placed}
        keys = self.fetch_keys(keys_queryset.filter(**onwards)[: size + 1])
        if not keys:
            return None
        earlier = keys_queryset.filter(**before).exists()
        return keys[:size], len(keys) > size, earlier

    def counted(self, queryset):
        if self.key_source is not None:
            return self.key_source.rows.order_by().values(self.key_source.key(queryset.model))
        return super().counted(queryset)

    def fetch_keys(self, query) -> list:
        return list(query)

    def keys_queryset(self, queryset):
        """The page's keys in a total order: the list's ordering, then the primary key in the direction of the
        ordering's last column, so an index on (column, id) serves it both ways and no row can appear on two
        pages or on none when many rows share a value."""
        return tie_broken(queryset).values_list("pk", flat=True)


@dataclasses.dataclass(frozen=True)
class KeySource:
    """Another table that holds exactly the rows of a list, once each, with copies of its sort columns: it
    gives the list its keys and its count. ``columns`` maps the list model's attnames to the source's (the
    primary key's is the reference to the listed row).

    One organisation's rows of a link table, with the listed model's sort key copied next to the
    organisation, give a one-organisation officer a page from the index (organisation, key, row) alone,
    where the list's own table is walked in its order and each row probed for the organisation. Only a list
    the source holds exactly can use one: the view narrows the source by the filters whose columns are
    copied too, and gives none for any other filter (a correlated EXISTS from the source to the filtered rows
    cost several times more on PostgreSQL than walking the list's own index). A sort the source does not
    hold takes the keys from the list's own table, and still the count from the source. The page's rows are
    always read through the list's queryset, so a key the list cannot show is never shown.
    """

    rows: QuerySet
    columns: dict[str, str]

    def serves(self, seek) -> bool:
        return all(name in self.columns for name, _descending in seek)

    def renamed(self, seek):
        return [(self.columns[name], descending) for name, descending in seek]

    def key(self, model) -> str:
        return self.columns[model._meta.pk.attname]

    def keys(self, queryset, seek):
        """The listed rows' primary keys in ``seek``'s order, read from the source."""
        order = [f"-{name}" if descending else name for name, descending in self.renamed(seek)]
        return self.rows.order_by(*order).values_list(self.key(queryset.model), flat=True)


class ListPage(Page):
    """A page that may know from its keys whether rows follow it (``more``): where the count is an
    estimate, its last page number is not the end of the list, either way."""

    next_cursor = previous_cursor = ""

    def __init__(self, object_list, number, paginator, more=None, earlier=None):
        super().__init__(object_list, number, paginator)
        self.more = more
        self.earlier = earlier  # whether rows come before this page, where its number cannot tell

    def cursor_to(self, number) -> tuple[str, str] | None:
        """How the link to page ``number`` reaches it from this page: ("after", the cursor of this page's last
        row) for a later page, ("before", its first row's) for an earlier one. None for the first page, and for
        the last one of an estimated count (both are read from an end), and where this page has no cursors."""
        if number == 1 or number == self.number or self.paginator.estimated and number >= self.paginator.num_pages:
            return None
        if number > self.number:
            return ("after", self.next_cursor) if self.next_cursor else None
        return ("before", self.previous_cursor) if self.previous_cursor else None

    def has_next(self):
        return super().has_next() if self.more is None else self.more

    def next_page_number(self):
        return self.number + 1 if self.more else super().next_page_number()

    def has_previous(self):
        return super().has_previous() if self.earlier is None else self.earlier

    def previous_page_number(self):
        """With an estimated count a page read backwards may be numbered 1 with rows before it (the numbers
        were counted from the end): those are page 1 too, until the first rows."""
        return max(1, self.number - 1) if self.earlier else super().previous_page_number()


def tie_broken(queryset):
    order = list(queryset.query.order_by) if queryset.query.order_by else list(queryset.model._meta.ordering)
    names = [term.lstrip("-") if isinstance(term, str) else None for term in order]
    if not order or None in names:
        return queryset if order else queryset.order_by("pk")
    meta = queryset.model._meta
    attnames = set()
    for name in names:
        try:
            attnames.add(meta.pk.attname if name == "pk" else meta.get_field(name).attname)
        except FieldDoesNotExist:
            pass  # an annotation: never a key
    if is_total_order(meta, attnames):
        return queryset
    last = order[-1]
    return queryset.order_by(*order, "-pk" if last.startswith("-") else "pk")


CURSOR_SALT = "hpregister.list-cursor"


def seek_order(queryset) -> list[tuple[str, bool]] | None:
    """The ordering as (field, descending) when a cursor can seek in it: plain, non-empty fields of the
    model itself that include the primary key or a unique constraint. None otherwise (paged by OFFSET)."""
    meta = queryset.model._meta
    order = []
    for term in queryset.query.order_by or meta.ordering:
        if not isinstance(term, str) or "__" in term or "?" in term:
            return None
        name = term.lstrip("-")
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.null or not field.concrete or field.is_relation and not field.primary_key:
            return None
        order.append((field.attname, term.startswith("-")))
    if not order:
        return None
    return order if is_total_order(meta, {name for name, _descending in order}) else None


def is_total_order(meta, attnames: set[str]) -> bool:
    """Whether ordering by these columns orders every row: they include the primary key, a unique field or
    every field of a unique constraint."""
    keys = [{meta.pk.attname}, *({f.attname} for f in meta.concrete_fields if f.unique)]
    keys += [{meta.get_field(name).attname for name in c.fields} for c in meta.total_unique_constraints]
    return any(key <= attnames for key in keys)


def cursor_token(record, seek, salt=CURSOR_SALT) -> str:
    """The sort values of ``record`` in ``seek``, signed (a blank stays None)."""
    return signing.dumps(raw_values(record, seek), salt=salt)


def page_cursor_token(record, seek, number: int) -> str:
    """A list page's cursor: the sort values of ``record`` in ``seek`` and the number of its page, signed."""
    return signing.dumps({"row": raw_values(record, seek), "page": number}, salt=CURSOR_SALT)


def raw_values(record, seek) -> list:
    values = (getattr(record, name) for name, _descending in seek)
    return [None if value is None else str(value) for value in values]


def page_cursor_values(token: str, seek, model) -> tuple[list, int] | None:
    """The values and page number of a cursor made by ``page_cursor_token``; None if it does not verify or fit."""
    try:
        raw = signing.loads(token, salt=CURSOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("page"), int) or raw["page"] < 1:
        return None
    values = typed_values(raw.get("row"), seek, model)
    return None if values is None else (values, raw["page"])


def typed_values(raw, seek, model, fields=None) -> list | None:
    """A cursor's raw values typed by the model's fields (or ``fields``, one per term of ``seek``); None if
    they do not fit."""
    try:
        if not isinstance(raw, list) or len(raw) != len(seek):
            return None
        fields = fields or [model._meta.get_field(name) for name, _d in seek]
        return [None if value is None else field.to_python(value) for field, value in zip(fields, raw, strict=True)]
    except (ValidationError, ValueError, TypeError, FieldDoesNotExist):
        return None


def cursor_values(token: str, seek, model, salt=CURSOR_SALT, fields=None) -> list | None:
    """The values of a cursor made by ``cursor_token``, typed by the model's fields (or ``fields``, one per
    term of ``seek``); None if it does not verify or does not fit."""
    try:
        raw = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return typed_values(raw, seek, model, fields)


def seek_filter(seek, values, forward: bool, nullable=frozenset()) -> Q:
    """Rows after (forward) or before the cursor's row in the ordering: (a, b, id) > (x, y, z) written out
    term by term, each in its own direction, with the first term's bound up front for the index.

    A term named in ``nullable`` may be blank: blanks come after every value going up and before every value
    going down (PostgreSQL's own order, which one index serves both ways), and blank equals blank."""
    ahead, equal = [], Q()
    for (name, descending), value in zip(seek, values, strict=True):
        rising = descending != forward  # this term is read upwards
        if value is None:
            later = None if rising else Q(**{f"{name}__isnull": False})
        else:
            later = Q(**{f"{name}__{'gt' if rising else 'lt'}": value})
            if rising and name in nullable:
                later |= Q(**{f"{name}__isnull": True})
        if later is not None:
            ahead.append(equal & later)
        equal &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    condition = functools.reduce(operator.or_, ahead) if ahead else Q(pk__in=[])  # none after the last blank
    (first, descending), start = seek[0], values[0]
    if start is None or first in nullable:
        return condition
    return Q(**{f"{first}__{'lte' if descending == forward else 'gte'}": start}) & condition


def loaded_fields(queryset, table, also=()):
    """``queryset`` reading only the fields the table's cells read (its ``row_fields``), and ``also`` (a
    cursor's fields); all of them where the table names none. A page of incidents read 57 columns, eleven
    of them times that Django converts in Python, to show ten; an export did so for every row."""
    fields = getattr(table, "row_fields", None)
    if not fields:
        return queryset
    return queryset.only(*fields, *(name for name in also if LOOKUP_SEP not in name))


def estimated_count(queryset) -> int:
    """PostgreSQL's planner estimate of the rows (EXPLAIN, no scan); elsewhere an exact count, cached."""
    query = queryset.order_by().values("pk")
    if connections[query.db].vendor == "postgresql":
        plan = json.loads(query.explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])
    sql, params = query.query.sql_with_params()
    key = "list-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return cache.get_or_set(key, query.count, settings.LIST_COUNT_CACHE_SECONDS)


# The share of a table's rows a list must hold for the table's statistics to place its pages (keys_by_statistics).
STATISTICS_SHARE = 0.9


def column_quantile(queryset, column: str, fraction: float, rows: int):
    """The value of ``column`` that ``fraction`` of the rows of ``queryset``'s table lie below, read from
    PostgreSQL's statistics of the column (pg_stats' histogram, interpolated within its bucket; no scan).

    None where they cannot say: another database, a column never analysed or whose values repeat (its most
    common values stand outside the histogram), a list (of ``rows`` rows, the planner's estimate) that holds
    less than STATISTICS_SHARE of the table's rows, whose values the table's histogram does not describe, or a
    table that has grown by more than that share's complement since it was analysed (the estimate counts the
    table's pages as they are now, the histogram its rows as they were)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    table, field = queryset.model._meta.db_table, queryset.model._meta.get_field(column)
    column_type = field.db_parameters(connection)["type"]  # (a generated column's is its output field's)
    if column_type is None:
        return None

    def statistics():  # (a third of a millisecond to read, most of it parsing the bounds: kept a while)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.histogram_bounds::text::{column_type}[], c.reltuples"  # noqa: S608
                " FROM pg_stats s JOIN pg_class c ON c.oid = %s::regclass"
                " WHERE s.schemaname = current_schema() AND s.tablename = %s AND s.attname = %s"
                " AND s.most_common_vals IS NULL",
                [connection.ops.quote_name(table), table, field.column],
            )
            return cursor.fetchone() or (None, 0)

    key = f"column-statistics:{queryset.db}:{table}:{field.column}"
    bounds, table_rows = cache.get_or_set(key, statistics, settings.LIST_COUNT_CACHE_SECONDS)
    if not bounds or table_rows <= 0 or not STATISTICS_SHARE * table_rows <= rows <= table_rows / STATISTICS_SHARE:
        return None
    return quantile(bounds, fraction)


def quantile(bounds: list, fraction: float):
    """The value ``fraction`` of the way through a histogram's ``bounds`` (each bucket holds as many rows),
    interpolated within its bucket where the values can be (times, dates, numbers)."""
    position = min(max(fraction, 0.0), 1.0) * (len(bounds) - 1)
    index = min(int(position), len(bounds) - 2) if len(bounds) > 1 else 0
    low = bounds[index]
    if len(bounds) == 1:
        return low
    high, within = bounds[index + 1], position - index
    try:
        step = (high - low) * within
    except TypeError:  # text: the bucket's nearer bound
        return high if within >= 0.5 else low
    return low + (round(step) if isinstance(low, int) else step)


def page_query(request, table, number) -> str:
    """The query string of the link to page ``number`` of ``table``. The current page keeps the request's own
    query; a page beside it goes by its cursor (``ListPage.cursor_to``), so a numbered page next to a deep one
    costs what Next does; page 1, and the last of an estimated count, by number (both are read from an end)."""
    page = table.page
    query = request.GET.copy()
    if number != page.number:
        query.pop("after", None)
        query.pop("before", None)
        via = page.cursor_to(number) if hasattr(page, "cursor_to") else None
        if via is not None:
            query[via[0]] = via[1]
    query[table.prefixed_page_field] = number
    return "?" + query.urlencode()
