# Written by hand: the field and indexes as makemigrations writes them, and the triggers.

import importlib

from django.conf import settings
from django.db import migrations, models

# IncidentOrganisation's copies of its incident's columns now include the title, so that one organisation's
# incidents sorted by title (alone or within a category) come from the link rows' indexes too (#18). The
# triggers are migration 0013's, written for every copied column: a row inserted or updated takes its
# incident's values, and an incident whose values change passes them on to its rows.
COPIED = ("aware_at", "category", "status", "title")
COLUMNS = ", ".join(COPIED)
INTO = ", ".join(f"NEW.{column}" for column in COPIED)
SET_NEW = ", ".join(f"{column} = NEW.{column}" for column in COPIED)

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION incidents_affected_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT {COLUMNS} INTO {INTO} FROM incidents_incident WHERE id = NEW.incident_id;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION incidents_incident_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE incidents_incidentorganisation SET {SET_NEW} WHERE incident_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER incidents_incident_copy ON incidents_incident",
    f"""
    CREATE TRIGGER incidents_incident_copy AFTER UPDATE OF {COLUMNS} ON incidents_incident
    FOR EACH ROW WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIED)})
    EXECUTE FUNCTION incidents_incident_copy()
    """,
]
POSTGRESQL_BACKFILL = """
    UPDATE incidents_incidentorganisation AS link SET title = incident.title
    FROM incidents_incident AS incident WHERE incident.id = link.incident_id
"""
# SQLite's triggers cannot change the row being written: they correct it just after (recursive triggers are
# off, so the correction does not fire them again).
INCIDENTS_VALUES = f"(SELECT {COLUMNS} FROM incidents_incident WHERE id = NEW.incident_id)"
SQLITE = [
    "DROP TRIGGER IF EXISTS incidents_incident_copy",
    "DROP TRIGGER IF EXISTS incidents_affected_copy_update",
    "DROP TRIGGER IF EXISTS incidents_affected_copy_insert",
    f"""
    CREATE TRIGGER incidents_affected_copy_insert AFTER INSERT ON incidents_incidentorganisation
    BEGIN
        UPDATE incidents_incidentorganisation SET ({COLUMNS}) = {INCIDENTS_VALUES} WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER incidents_affected_copy_update AFTER UPDATE ON incidents_incidentorganisation
    WHEN NOT EXISTS (
        SELECT 1 FROM incidents_incident WHERE id = NEW.incident_id
        AND {" AND ".join(f"{c} IS NEW.{c}" for c in COPIED)}
    )
    BEGIN
        UPDATE incidents_incidentorganisation SET ({COLUMNS}) = {INCIDENTS_VALUES} WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER incidents_incident_copy AFTER UPDATE OF {COLUMNS} ON incidents_incident
    WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COPIED)}
    BEGIN
        UPDATE incidents_incidentorganisation SET {SET_NEW} WHERE incident_id = NEW.id;
    END
    """,
]
SQLITE_BACKFILL = (
    "UPDATE incidents_incidentorganisation SET title ="
    " (SELECT title FROM incidents_incident WHERE id = incidents_incidentorganisation.incident_id)"
)

earlier = importlib.import_module("incidents.migrations.0013_affected_category_status")


def copy_titles(apps, schema_editor):
    """Every row's title in one statement, then the triggers that keep all four columns."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:  # the row trigger would look up each row's incident again, for values it already has
        schema_editor.execute("ALTER TABLE incidents_incidentorganisation DISABLE TRIGGER incidents_affected_copy")
        schema_editor.execute(POSTGRESQL_BACKFILL)
        schema_editor.execute("ALTER TABLE incidents_incidentorganisation ENABLE TRIGGER incidents_affected_copy")
    else:
        schema_editor.execute(SQLITE_BACKFILL)
    for statement in POSTGRESQL if postgresql else SQLITE:
        schema_editor.execute(statement)


def keep_three(apps, schema_editor):
    """Back to 0013's triggers, which keep aware_at, category and status."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in earlier.POSTGRESQL_REVERSE if postgresql else earlier.SQLITE_REVERSE:
        schema_editor.execute(statement)
    for statement in earlier.POSTGRESQL if postgresql else earlier.SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("hpregister", "0008_single_sign_on"),
        ("incidents", "0013_affected_category_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="incidentorganisation",
            name="title",
            field=models.CharField(editable=False, max_length=300, null=True, verbose_name="title"),
        ),
        migrations.RunPython(copy_titles, keep_three, elidable=False),
        migrations.AddIndex(
            model_name="incidentorganisation",
            index=models.Index(fields=["organisation", "title", "incident"], name="incident_org_by_title"),
        ),
        migrations.AddIndex(
            model_name="incidentorganisation",
            index=models.Index(
                fields=["organisation", "category", "title", "incident"], name="incident_org_category_title"
            ),
        ),
    ]
