"""Where Django's database layer does per-row work in pure Python that a long list or an export pays for.

Times from PostgreSQL through psycopg's C loader, not Django's pure-Python one.

Django registers its own ``timestamptz`` loader on every PostgreSQL connection: a Python subclass of
psycopg's pure-Python loader that parses the text and then replaces the time zone (Django ticket #36960).
That ran for every time of every row: in an export of 100 000 incidents it was about a tenth of the time.

psycopg's C loader (psycopg-binary, a pinned requirement) gives the same value where Django's connection is
in UTC, as it always is with ``USE_TZ`` and no per-database ``TIME_ZONE``: an aware datetime in
``datetime.timezone.utc``. So for such a connection, and only then, the C loader is registered in its place.
Django still finds its ``timezone`` attribute on the registered class when it makes a cursor.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.base import DEFERRED


def _c_loader():
    """psycopg's C ``timestamptz`` loader, or None with the pure-Python psycopg."""
    try:
        from psycopg import adapters, postgres, pq
        from psycopg.types.datetime import TimestamptzLoader
    except ImportError:
        return None
    loader = adapters.get_loader(postgres.types["timestamptz"].oid, pq.Format.TEXT)
    return None if loader is None or loader is TimestamptzLoader else loader


@functools.cache
def utc_loader():
    """A loader class Django accepts (``timezone`` is UTC) whose instances are psycopg's C loader."""
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    c_loader = _c_loader()
    if c_loader is None:
        return None

    class UtcTimestamptzLoader(BaseTzLoader):
        timezone = dt.UTC

        def __new__(cls, oid, context=None):
            # A C type cannot be subclassed: the class Django sees makes C loaders.
            return c_loader(oid, context)

    return UtcTimestamptzLoader


def use_c_time_loader(sender, connection, **kwargs):
    if connection.vendor != "postgresql" or getattr(connection, "timezone", None) is not dt.UTC:
        return
    if connection.connection.info.parameter_status("TimeZone") != "UTC":
        return  # the C loader reads the session's zone; Django's replaces it with its own
    loader = utc_loader()
    if loader is not None:
        connection.connection.adapters.register_loader("timestamptz", loader)


def on_every_connection(receiver, dispatch_uid: str) -> None:
    """``receiver(sender, connection)`` for each new database connection, and for those already open."""
    connection_created.connect(receiver, dispatch_uid=dispatch_uid)
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            receiver(None, connection)


def install() -> None:
    on_every_connection(use_c_time_loader, "hpregister.c_time_loader")


_PLANS: dict[tuple, tuple[list, list[int]] | None] = {}


class QuickDeferredLoading:
    """``Model.from_db`` for rows read with ``only()`` or ``defer()``, without a scan of every field per row.

    Django marks the fields a row lacks as deferred by walking all the model's fields and testing each name
    against the ones read, for every row: 14 µs for an incident read with ``only()`` (57 fields, 10 read),
    which was a tenth of an export. Here that walk is made once per model and set of fields; each row fills a
    copy of it. The instance is still made by the model's own ``__init__``, with its signals, as Django's.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        if len(values) == len(cls._meta.concrete_fields):
            return super().from_db(db, field_names, values)
        key = (cls, *field_names)
        try:
            plan = _PLANS[key]
        except KeyError:
            plan = _PLANS[key] = _plan(cls, field_names)
        if plan is None:
            return super().from_db(db, field_names, values)
        template, positions = plan
        arguments = template.copy()
        for position, value in zip(positions, values, strict=True):
            arguments[position] = value
        new = cls(*arguments)
        new._state.adding = False
        new._state.db = db
        return new


def _plan(model, field_names):
    """Every field deferred, and where each field read goes; None where Django's own walk must decide (names
    it does not know, or not in the model's order, which Django's walk assumes)."""
    index = {field.attname: position for position, field in enumerate(model._meta.concrete_fields)}
    positions = [index.get(name) for name in field_names]
    if None in positions or positions != sorted(set(positions)):
        return None
    return [DEFERRED] * len(index), positions
