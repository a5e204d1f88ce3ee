"""Exports that stream: CSV row by row from a server-side cursor, XLSX through openpyxl's write-only mode.

django-tables2's own export builds the whole sheet in memory; these keep memory flat however many rows the
filtered list has, and produce exactly the values of the table's ``value_*`` methods.
"""

from __future__ import annotations

import csv
import tempfile

from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django_tables2 import Column
from django_tables2.utils import Accessor

from .tables import value_getter

CHUNK = 2000


def _extractor(table, bound_column):
    """A function record -> export value for one column, built once per export.

    Same values as django-tables2's export (``value_<name>`` methods, ``Column.value``, choice labels), without
    its per-cell signature inspection, which made large exports CPU-bound.
    """
    method = getattr(table, f"value_{bound_column.name}", None)
    if method is not None:
        return lambda record: method(record=record)
    accessor = Accessor(bound_column.accessor)
    column = bound_column.column
    custom_value = type(column).value is not Column.value
    getter = value_getter(table._meta.model, accessor) or _displayed_value(accessor)

    def extract(record):
        value = getter(record)
        if value is None:
            return ""
        return column.value(value=value) if custom_value else value

    return extract


def _displayed_value(accessor):
    """The general path, for accessors value_getter leaves out: a choice label where there is one."""

    def displayed(record):
        penultimate, remainder = accessor.penultimate(record)
        display = (
            getattr(penultimate, f"get_{remainder}_display", None) if isinstance(penultimate, models.Model) else None
        )
        return display() if display is not None else accessor.resolve(record, quiet=True)

    return displayed


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe (OWASP, "CSV
    injection"): a title like ``=HYPERLINK(...)`` must arrive as the text it is. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def table_rows(table):
    """Header, then one list of values per record, fetched in chunks (prefetches included)."""
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    yield [force_str(c.header, strings_only=True) for c in columns]
    extractors = [_extractor(table, c) for c in columns]
    for record in table.data.data.iterator(chunk_size=CHUNK):
        yield [neutralised(force_str(extract(record), strings_only=True)) for extract in extractors]


class _Echo:
    def write(self, value):
        return value


def csv_response(table, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    # A BOM so that Excel opens the UTF-8 file with æøå intact.
    body = (("\ufeff" if i == 0 else "") + writer.writerow(row) for i, row in enumerate(table_rows(table)))
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def typed_cell(sheet, value):
    """An XLSX cell with its type set explicitly: text is always a string cell, never a formula, whatever
    it starts with; numbers, booleans and dates keep their own types."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_response(table, filename: str) -> FileResponse:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in table_rows(table):
        sheet.append([typed_cell(sheet, value) for value in row])
    spool = tempfile.TemporaryFile()
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
