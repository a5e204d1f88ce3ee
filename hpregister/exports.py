"""Exports that stream: CSV row by row from a server-side cursor, XLSX through openpyxl's write-only mode.

django-tables2's own export builds the whole sheet in memory; these keep memory flat however many rows the
filtered list has, and produce exactly the values of the table's ``value_*`` methods.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import tempfile

from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django_tables2 import BooleanColumn, Column
from django_tables2.utils import Accessor

from .history import display_value
from .tables import LocalDateTimeColumn, loaded_fields, value_getter
from .timeutils import OSLO

CHUNK = 2000


def _cell(table, bound_column, sheet=False):
    """A function record -> the export cell of one column, built once per export.

    Same values as django-tables2's export (``value_<name>`` methods, ``Column.value``, choice labels), without
    its per-cell signature inspection, which made large exports CPU-bound. Text is final: lazy text made text,
    and neutralised where a spreadsheet would read it as a formula.
    """
    method = getattr(table, f"value_{bound_column.name}", None)
    if method is not None:
        return lambda record: final_text(method(record=record))
    accessor = Accessor(bound_column.accessor)
    column = bound_column.column
    if isinstance(column, LocalDateTimeColumn) and (sheet or type(column).value is LocalDateTimeColumn.value):
        # A time, or its ISO text: never lazy, never read as a formula, so nothing more to do per cell.
        instant = value_getter(table._meta.model, accessor) or (lambda record: accessor.resolve(record, quiet=True))
        if sheet:
            # A spreadsheet gets a real date cell: the Oslo wall-clock time (Excel has no time zones).
            return lambda record: sheet_time(instant(record))
        # The column's own value, with the zone looked up once per export, not once per cell: a per-cell
        # timezone.localtime() was a tenth of a large export.
        zone, iso = timezone.get_current_timezone(), LocalDateTimeColumn.iso
        return lambda record: iso(instant(record), zone)
    custom_value = type(column).value is not Column.value
    getter = value_getter(table._meta.model, accessor) or _displayed_value(accessor)
    if isinstance(column, BooleanColumn):
        yes, no = gettext("Yes"), gettext("No")  # not "True" in a Norwegian spreadsheet
        return lambda record: "" if (value := getter(record)) is None else yes if value else no

    def extract(record):
        value = getter(record)
        if value is None:
            return ""
        if custom_value:
            value = column.value(value=value)
        return final_text(value)

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


def final_text(value):
    """A cell's value as the file gets it: lazy text made text, a would-be formula neutralised."""
    return neutralised(force_str(value, strings_only=True))


def sheet_time(value):
    return value.astimezone(OSLO).replace(tzinfo=None) if value else None


def table_rows(table, sheet=False):
    """Header, then one list of values per record, fetched in chunks (prefetches included). ``sheet``: times
    as values a spreadsheet keeps as dates, not ISO text."""
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    yield [force_str(c.header, strings_only=True) for c in columns]
    cells = [_cell(table, c, sheet) for c in columns]
    records = loaded_fields(table.data.data, table).iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(records, CHUNK)):
        table.prefetch(chunk)
        for record in chunk:
            yield [cell(record) for cell in cells]


class _Echo:
    def write(self, value):
        return value


def csv_response(table, filename: str, delimiter: str = ";") -> StreamingHttpResponse:
    """Semicolons by default: Norwegian Excel reads the comma as the decimal sign and puts a comma-separated
    file in one column. ``delimiter=","`` for other tools."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
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


SAMPLE_ROWS = 200  # rows read before the column widths are set (a write-only sheet needs them first)
DATE_TIME_FORMAT = "dd.mm.yyyy hh:mm"
DATE_FORMAT = "dd.mm.yyyy"


def _width(value) -> int:
    if isinstance(value, dt.datetime):
        return 17
    if isinstance(value, dt.date):
        return 11
    return len(str(value)) if value is not None else 0


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(text))[:31] or "Sheet"


def write_xlsx(table, out, title: str = "", progress=None) -> int:
    """A workbook a Norwegian Excel user can work with: a named sheet, the header row frozen with a filter,
    column widths from the content, and real date cells in Oslo time. Written to the binary file ``out``;
    ``progress(rows)`` is called every CHUNK rows. Returns the number of rows."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title or table._meta.model._meta.verbose_name_plural))
    rows = table_rows(table, sheet=True)
    header = next(rows)
    sample = [row for _, row in zip(range(SAMPLE_ROWS), rows, strict=False)]
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(_width(row[index - 1]) for row in sample)])
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(60, longest + 2))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value):
        made = typed_cell(sheet, value)
        if isinstance(value, dt.datetime):
            made.number_format = DATE_TIME_FORMAT
        elif isinstance(value, dt.date):
            made.number_format = DATE_FORMAT
        return made

    heading = []
    for name in header:
        made = WriteOnlyCell(sheet, value=str(name))
        made.font = bold
        heading.append(made)
    sheet.append(heading)
    count = 0
    for row in itertools.chain(sample, rows):
        sheet.append([cell(value) for value in row])
        count += 1
        if progress is not None and count % CHUNK == 0:
            progress(count)
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{count + 1}"
    book.save(out)
    return count


def write_csv(table, out, delimiter: str = ";", progress=None) -> int:
    """The CSV of ``table`` into the text file ``out`` (BOM first, as ``csv_response``). Returns the rows."""
    writer = csv.writer(out, delimiter=delimiter)
    out.write("\ufeff")
    rows = table_rows(table)
    writer.writerow(next(rows))
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
        if progress is not None and count % CHUNK == 0:
            progress(count)
    return count


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(table, filename: str, title: str = "") -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(table, spool, title)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def record_rows(obj) -> list[tuple[str, object]]:
    """Every field of a record, as (label, value) the way a person reads it: choice labels, related records
    and people by name, many-to-many as a list, times in Oslo. What the full-record export holds."""
    rows = []
    for field in obj._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations: the record's children come as sheets of their own
        if (
            field.name in getattr(obj, "record_export_exclude", ())
            or not getattr(field, "editable", True)
            and (field.name not in getattr(obj, "record_export_include", ()))
        ):
            continue
        if field.many_to_many:
            value = ", ".join(sorted(str(v) for v in getattr(obj, field.name).all()))
        elif field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif field.is_relation:
            related = getattr(obj, field.name)
            value = str(related) if related is not None else ""
        else:
            value = display_value(field, getattr(obj, field.attname))
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        rows.append((str(field.verbose_name).capitalize(), "" if value is None else force_str(value)))
    return rows


def record_response(obj, export_format: str, filename: str, children: dict | None = None):
    """The full record of one object (``?_export=xlsx|csv`` on its page): every field, then each kind of child
    record (an incident's notifications and measures) with every field of its own."""
    children = children or {}
    if export_format == "csv":
        writer = csv.writer(_Echo(), delimiter=";")
        lines = [[label, neutralised(value)] for label, value in record_rows(obj)]
        for title, records in children.items():
            for number, child in enumerate(records, start=1):
                lines += [[f"{title} {number}: {label}", neutralised(value)] for label, value in record_rows(child)]
        body = (("\ufeff" if i == 0 else "") + writer.writerow(row) for i, row in enumerate(lines))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title(str(obj._meta.verbose_name).capitalize())
    wrap = Alignment(wrap_text=True, vertical="top")
    for label, value in record_rows(obj):
        sheet.append([label, neutralised(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.cell(row=sheet.max_row, column=2).alignment = wrap
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    for title, records in children.items():
        records = list(records)
        child_sheet = book.create_sheet(sheet_title(title))
        header = [label for label, _value in record_rows(records[0])] if records else []
        child_sheet.append(header)
        for cell in child_sheet[1]:
            cell.font = Font(bold=True)
        for child in records:
            child_sheet.append([neutralised(value) for _label, value in record_rows(child)])
        for index in range(1, len(header) + 1):
            child_sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 24
        child_sheet.freeze_panes = "A2"
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    spool = tempfile.TemporaryFile()
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )
