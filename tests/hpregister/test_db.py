"""The kernel's database fast paths (hpregister.db, hpregister.lookups) give what Django's own paths give (#18).

- ``in_array``: the rows of ``in``, sent to PostgreSQL as one array parameter.
- the C ``timestamptz`` loader: the same aware UTC datetimes as Django's pure-Python loader.
- ``QuickDeferredLoading.from_db``: the same instance as Django's ``Model.from_db`` for every set of fields.
"""

import datetime as dt
import random

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from hpregister import db
from hpregister.models import Organisation
from incidents.models import Incident, IncidentOrganisation
from tests.factories import make_incident

SHARED = ("St. Olavs hospital HF", "Helse Møre og Romsdal HF")


# --- in_array -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_in_array_finds_the_rows_of_in_with_one_parameter_on_postgresql():
    made = [make_incident(organisations=SHARED) for _ in range(4)]
    ids = [made[2].pk, made[0].pk, made[2].pk, None, made[3].pk + 10_000]  # unsorted, repeated, NULL, unknown
    both = IncidentOrganisation.objects.order_by("pk").values_list("pk", flat=True)
    for name in ("incident__in", "incident_id__in"):
        with CaptureQueriesContext(connection) as queries:
            found = list(both.filter(**{name.replace("__in", "__in_array"): ids}))
        assert found == list(both.filter(**{name: ids})) and len(found) == 4
        [sql] = [query["sql"] for query in queries]
        if connection.vendor == "postgresql":
            assert "= ANY(" in sql and " IN (" not in sql  # one array, not a placeholder per value
        else:
            assert " IN (" in sql  # Django's own ``in`` elsewhere
    titles = Incident.objects.filter(title__in_array=[made[1].title, "nothing"]).values_list("pk", flat=True)
    assert list(titles) == [made[1].pk]
    assert list(Incident.objects.filter(pk__in_array=[None])) == []
    assert list(Incident.objects.filter(pk__in_array=[])) == []
    chosen = Incident.objects.filter(pk__in=[made[0].pk, made[1].pk]).values("pk")
    assert set(Incident.objects.filter(pk__in_array=chosen).values_list("pk", flat=True)) == {made[0].pk, made[1].pk}


@pytest.mark.django_db
def test_an_export_chunk_asks_for_its_organisations_by_one_array():
    from incidents.tables import IncidentTable

    records = [make_incident(organisations=SHARED) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        IncidentTable([]).prefetch(records)
    [sql] = [query["sql"] for query in queries]
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else (" IN (" in sql)
    assert [record.organisation_names for record in records] == [sorted(SHARED)] * 3


# --- the C timestamptz loader ---------------------------------------------------------------------------------


def test_the_c_time_loader_is_psycopgs_own_c_loader():
    loader = db.utc_loader()
    assert loader is not None, "psycopg-binary is a pinned requirement"
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    assert issubclass(loader, BaseTzLoader) and loader.timezone is dt.UTC  # what Django checks per cursor
    assert type(loader(1184, None)).__module__.startswith("psycopg_binary")


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
    precision=st.sampled_from([0, 3, 6]),
)
def test_the_c_time_loader_reads_what_djangos_loader_reads(instant, offset_minutes, precision):
    """PostgreSQL's text for a timestamptz, in any offset and precision: the same UTC instant, in the same
    tzinfo, as Django's loader for a UTC connection."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg import adapt, postgres

    zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
    local = instant.replace(tzinfo=dt.UTC).astimezone(zone)
    text = local.isoformat(sep=" ", timespec={0: "seconds", 3: "milliseconds", 6: "microseconds"}[precision])
    text = text.replace("+00:00", "+00")
    django_context = adapt.AdaptersMap(postgres.adapters)
    register_tzloader(dt.UTC, django_context)
    djangos = django_context.get_loader(1184, 0)(1184, None).load(text.encode())
    ours = db.utc_loader()(1184, None).load(text.encode())
    assert ours == djangos and ours.tzinfo is djangos.tzinfo is dt.UTC


@pytest.mark.django_db
def test_postgresql_connections_read_times_through_the_c_loader():
    incident = make_incident()
    read = Incident.objects.get(pk=incident.pk)
    assert read.aware_at == incident.aware_at and read.aware_at.tzinfo is dt.UTC
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        registered = connection.connection.adapters.get_loader(1184, 0)
        assert registered is not None and registered.__name__ == "UtcTimestamptzLoader"
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::timestamptz", ["2026-10-25 02:30:00+01"])  # Oslo's second 02:30
            assert cursor.fetchone()[0] == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)


# --- QuickDeferredLoading -------------------------------------------------------------------------------------

QUICK = [model for model in apps.get_models() if issubclass(model, db.QuickDeferredLoading)]


def sample_value(field, rng):
    if isinstance(field, models.DateTimeField):
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(10**8))
    if isinstance(field, models.DateField):
        return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(1000))
    if isinstance(field, (models.IntegerField, models.ForeignKey, models.AutoField)):
        return rng.randrange(1, 10**6)
    if isinstance(field, models.BooleanField):
        return rng.random() < 0.5
    return rng.choice([None, "", f"text {rng.random()}"])


def djangos_from_db(model, db_alias, names, values):
    """``model.from_db`` with the kernel's step replaced by Django's own (a model's own from_db still runs)."""
    quick = db.QuickDeferredLoading.__dict__["from_db"]
    db.QuickDeferredLoading.from_db = classmethod(
        lambda cls, *args: super(db.QuickDeferredLoading, cls).from_db(*args)  # noqa: UP008
    )
    try:
        return model.from_db(db_alias, names, values)
    finally:
        db.QuickDeferredLoading.from_db = quick


def state(instance):
    fields = {key: value for key, value in vars(instance).items() if key != "_state"}
    return fields, instance._state.adding, instance._state.db, instance.get_deferred_fields()


@pytest.mark.parametrize("model", QUICK, ids=lambda model: model._meta.label)
def test_a_row_read_with_some_fields_makes_the_instance_djangos_from_db_makes(model):
    assert len(QUICK) > 20  # every register model (ScopedModel) loads this way
    fields = model._meta.concrete_fields
    rng = random.Random(model._meta.label)
    for _ in range(40):
        chosen = sorted(rng.sample(range(len(fields)), rng.randint(1, len(fields))))
        names = [fields[position].attname for position in chosen]
        values = tuple(sample_value(fields[position], rng) for position in chosen)
        ours, djangos = model.from_db("default", names, values), djangos_from_db(model, "default", names, values)
        assert state(ours) == state(djangos)
        assert ours.get_deferred_fields() == {f.attname for f in fields} - set(names)


def test_fields_out_of_the_models_order_are_left_to_django():
    fields = Incident._meta.concrete_fields
    names = [fields[3].attname, fields[0].attname]  # Django's walk pairs values with fields in the model's order
    values = ("3", 1)
    djangos = djangos_from_db(Incident, "default", names, values)
    assert state(Incident.from_db("default", names, values)) == state(djangos)
    unknown = ["id", "no_such_column"]
    assert state(Incident.from_db("default", unknown, (1, 2))) == state(
        djangos_from_db(Incident, "default", unknown, (1, 2))
    )


@pytest.mark.django_db
def test_only_loads_the_same_values_and_defers_the_rest():
    incident = make_incident(organisations=SHARED)
    full = Incident.objects.get(pk=incident.pk)
    some = Incident.objects.only("title", "aware_at", "status").get(pk=incident.pk)
    assert (some.title, some.aware_at, some.status) == (full.title, full.aware_at, full.status)
    assert "description" in some.get_deferred_fields()
    assert some.description == full.description  # a deferred field still loads on access
    organisation = Organisation.objects.only("name").get(name=SHARED[0])
    assert organisation.name == SHARED[0] and organisation._state.adding is False
