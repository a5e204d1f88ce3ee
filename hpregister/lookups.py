"""``fold_contains``: "contains", ignoring case in every alphabet, on every database.

SQLite's LIKE folds ASCII only, so ``?q=VÆRNES`` found nothing where ``Værnes`` does. On SQLite both sides
go through Python's ``str.casefold`` (registered as ``hp_casefold`` on each new connection); PostgreSQL's
``UPPER(…) LIKE UPPER(…)`` (Django's ``icontains``) already folds æøå with a UTF-8 ctype.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Field
from django.db.models.lookups import IContains


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def register_sqlite_casefold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("hp_casefold", 1, _casefold, deterministic=True)


class FoldedContains(IContains):
    lookup_name = "fold_contains"

    def as_sql(self, compiler, connection):
        # Every other database: exactly Django's icontains (its casts and operators are keyed by that name).
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = (*lhs_params, *(_casefold(p) for p in rhs_params))
        return f"hp_casefold({lhs}) LIKE hp_casefold({rhs}) ESCAPE '\\'", params


def install() -> None:
    connection_created.connect(register_sqlite_casefold, dispatch_uid="hpregister.casefold")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            register_sqlite_casefold(None, connection)
    Field.register_lookup(FoldedContains)  # where icontains is: every field a search box may cover
