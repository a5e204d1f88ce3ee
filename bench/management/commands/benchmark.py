"""Build a large register in the configured database and measure the pages, the sweep and the export.

Run it on a database of its own (bench/run.py makes one for SQLite and one for PostgreSQL):
    python manage.py benchmark --incidents 100000 --risks 10000 --subprocessors 1000
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import time
import tracemalloc
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from compliance.models import SubProcessor
from hpregister.choices import Role
from hpregister.models import Membership, Organisation, Reminder
from incidents.choices import IncidentCategory, IncidentStatus, RiskLevel
from incidents.models import Incident, IncidentMeasure, IncidentOrganisation, Notification
from risks.choices import Dimension
from risks.models import Risk, ScaleStep

BATCH = 5000


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Build a large register and report server time, query counts, sweep cost and export cost."

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, default=100_000)
        parser.add_argument("--risks", type=int, default=10_000)
        parser.add_argument("--subprocessors", type=int, default=1_000)
        parser.add_argument("--deadline-rows", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--output", default="")
        parser.add_argument("--yes", action="store_true", help="confirm that this database may be filled")
        parser.add_argument(
            "--reuse", action="store_true", help="measure a register an earlier run built, instead of refusing"
        )
        parser.add_argument(
            "--parts", nargs="+", choices=["pages", "sweep", "export"], default=["pages", "sweep", "export"]
        )

    def handle(self, *args, **o):
        if not o["yes"]:
            raise CommandError("This fills the database with test data: use a database of its own, and --yes.")
        reuse = Incident.objects.exists()
        if reuse and not o["reuse"]:
            raise CommandError("The database already has incidents: use an empty benchmark database, or --reuse.")
        from hpregister.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # nothing reaches a broker; restored after
        try:
            self.run(o, reuse)
        finally:
            app.conf.task_always_eager = eager

    def run(self, o, reuse):
        rng = random.Random(2026)
        lines = []
        vendor = connection.vendor
        self.say(
            f"Building on {vendor}: {o['incidents']} incidents, {o['risks']} risks, {o['subprocessors']} sub-processors"
        )
        if reuse:
            users = {name: get_user_model().objects.get(username=f"bench.{name}") for name in ("alice", "mona", "root")}
        else:
            call_command("loadreference", verbosity=0)
            users = self.users()
            started = time.perf_counter()
            self.build(rng, o)
            self.analyze()
            self.say(f"built in {time.perf_counter() - started:.0f} s")

        if "pages" in o["parts"]:
            lines += self.measure_pages(users, o["repeat"])
        if "sweep" in o["parts"]:
            lines += self.measure_sweep(rng, o["deadline_rows"])
        if "export" in o["parts"]:
            lines += self.measure_export(users)
        report = "\n".join([f"### {vendor}", "", *lines, ""])
        self.stdout.write(report)
        if o["output"]:
            with open(o["output"], "w", encoding="utf-8") as handle:
                handle.write(report)

    def say(self, text):
        self.stderr.write(text)

    # --- data --------------------------------------------------------------------------------------
    def users(self):
        User = get_user_model()
        operator = Organisation.objects.get(is_operator=True)
        rhf = Organisation.objects.get(name="Helse Midt-Norge RHF")
        alice = User.objects.create_user("bench.alice", "alice@bench.invalid", "x" * 16)
        Membership.objects.create(user=alice, organisation=operator, role=Role.PRIVACY_OFFICER)
        mona = User.objects.create_user("bench.mona", "mona@bench.invalid", "x" * 16)
        Membership.objects.create(user=mona, organisation=rhf, role=Role.MANAGER)
        root = User.objects.create_superuser("bench.root", "root@bench.invalid", "x" * 16)
        return {"alice": alice, "mona": mona, "root": root}

    def build(self, rng, o):
        orgs = list(Organisation.objects.values_list("pk", flat=True))
        now = timezone.now()
        categories = [c.value for c in IncidentCategory]
        year_start = {}
        with transaction.atomic():
            for start in range(0, o["incidents"], BATCH):
                batch = []
                for n in range(start, min(start + BATCH, o["incidents"])):
                    aware = now - dt.timedelta(minutes=rng.randint(60 * 24 * 4, 60 * 24 * 1000))
                    year = aware.year
                    year_start[year] = year_start.get(year, 0) + 1
                    batch.append(
                        Incident(
                            year=year,
                            number=year_start[year],
                            title=f"Benchmark breach {n}",
                            description="x",
                            category=rng.choice(categories),
                            breach_confidentiality=True,
                            discovered_at=aware,
                            aware_at=aware,
                            how_known="internal",
                            risk_level=RiskLevel.RISK,
                            risk_rationale="x",
                            # One in a thousand still waits for its notification to Datatilsynet.
                            status=(
                                IncidentStatus.ASSESSED
                                if n % 1000 == 0
                                else IncidentStatus.CLOSED
                                if n % 3
                                else IncidentStatus.NOTIFIED
                            ),
                        )
                    )
                created = Incident.objects.bulk_create(batch)
                IncidentOrganisation.objects.bulk_create(
                    IncidentOrganisation(incident=i, organisation_id=rng.choice(orgs)) for i in created
                )
                notifications = Notification.objects.bulk_create(
                    Notification(
                        incident=i,
                        phase="initial",
                        channel="altinn",
                        sent_at=i.aware_at + dt.timedelta(hours=rng.randint(1, 70)),
                    )
                    for i in created
                    if i.status != IncidentStatus.ASSESSED
                )
                # bulk_create sends no signals: store each incident's first notification as they would.
                for notification in notifications:
                    notification.incident.first_notified_at = notification.sent_at
                Incident.objects.bulk_update(
                    [n.incident for n in notifications], ["first_notified_at"], batch_size=1000
                )
                IncidentMeasure.objects.bulk_create(
                    IncidentMeasure(
                        incident=i,
                        description="Follow up",
                        due_on=(i.aware_at + dt.timedelta(days=30)).date(),
                        status="done",
                        done_on=(i.aware_at + dt.timedelta(days=20)).date(),
                    )
                    for i in created
                )
            steps_p = list(ScaleStep.objects.filter(dimension=Dimension.PROBABILITY, scale__is_active=True))
            steps_c = list(ScaleStep.objects.filter(dimension=Dimension.CONSEQUENCE, scale__is_active=True))
            Risk.objects.bulk_create(
                (
                    Risk(
                        title=f"Benchmark risk {n}",
                        organisation_id=rng.choice(orgs),
                        residual_probability=rng.choice(steps_p),
                        residual_consequence=rng.choice(steps_c),
                        next_review=now.date() + dt.timedelta(days=rng.randint(-30, 300)),
                    )
                    for n in range(o["risks"])
                ),
                batch_size=BATCH,
            )
            SubProcessor.objects.bulk_create(
                (
                    SubProcessor(
                        name=f"Benchmark vendor {n}",
                        processing_activity="Support",
                        country=rng.choice(["NO", "SE", "US", "GB", "IN"]),
                        transfer_basis="within_eea",
                    )
                    for n in range(o["subprocessors"])
                ),
                batch_size=BATCH,
            )

    @staticmethod
    def analyze():
        """Fresh planner statistics (and on PostgreSQL a vacuum) after the bulk load, as autovacuum would give
        a real database.

        Without them PostgreSQL believed there were 88 notifications and chose a nested-loop anti-join
        over 100 000 of them for the dashboard (over 10 s a request).
        """
        with connection.cursor() as cursor:
            # PostgreSQL: VACUUM also sets the visibility map, so that keys come from index-only scans.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # not in a test
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                # Fold the bulk load's write-ahead log into the database file, as SQLite does at rest.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        gc.collect()  # the bulk load's objects are gone from a server process too

    # --- pages -------------------------------------------------------------------------------------
    def measure_pages(self, users, repeat):
        deep = max(1, Incident.objects.count() // settings.LIST_PAGE_SIZE * 3 // 4)  # three quarters down
        admin_deep = max(1, Incident.objects.count() // 100 * 3 // 4)
        pages = [
            ("Incident list, page 1", "alice", "/incidents/"),
            ("Incident list, page 1 of 100 rows (as admin)", "alice", "/incidents/?per_page=100"),
            (f"Incident list, deep page ({deep})", "alice", f"/incidents/?page={deep}"),
            ("Incident list, filtered (category)", "alice", "/incidents/?category=snooping"),
            ("Incident list, filtered (overdue)", "alice", "/incidents/?clock=overdue"),
            ("Admin incident change list, page 1", "root", "/admin/incidents/incident/"),
            (
                f"Admin incident change list, deep page ({admin_deep})",
                "root",
                f"/admin/incidents/incident/?p={admin_deep}",
            ),
            ("Risk list, page 1", "alice", "/risks/"),
            ("Admin risk change list, page 1", "root", "/admin/risks/risk/"),
            ("Top-10 page", "mona", "/risks/top10/"),
            ("Heatmap", "alice", "/risks/matrix/"),
            ("Obligation matrix", "alice", "/compliance/obligations/matrix/"),
            ("Sub-processor list", "alice", "/compliance/subprocessors/"),
            ("Dashboard", "alice", "/"),
        ]
        lines = ["| page | median ms | p95 ms | queries |", "| --- | ---: | ---: | ---: |"]
        clients = {}
        with override_settings(OTP_REQUIRED=False, ALLOWED_HOSTS=["*"]):
            for label, who, url in pages:
                client = clients.get(who)
                if client is None:
                    client = clients[who] = Client()
                    client.force_login(users[who])
                response = client.get(url)  # warm up
                assert response.status_code == 200, (url, response.status_code)
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as ctx:
                    client.get(url)
                lines.append(f"| {label} | {statistics.median(times):.0f} | {percentile(times, 95):.0f} | {len(ctx)} |")
                self.say(lines[-1])
        return ["Pages (server time in the Django test client, including sessions and templates):", "", *lines, ""]

    # --- reminder sweep ----------------------------------------------------------------------------
    def measure_sweep(self, rng, total_rows):
        from hpregister.reminders.sweep import sweep

        lines = [
            "| deadline rows | due | first sweep s | second sweep s | ledger rows |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        # A reused register drops an earlier run's deadline rows (no signals: nothing to keep history of).
        IncidentMeasure.objects.filter(description="Measure")._raw_delete(connection.alias)
        incident_ids = list(Incident.objects.values_list("pk", flat=True)[:20000])
        today = timezone.localdate()
        owner = get_user_model().objects.get(username="bench.alice")

        def add_rows(count, due):
            for start in range(0, count, BATCH):
                IncidentMeasure.objects.bulk_create(
                    IncidentMeasure(
                        incident_id=rng.choice(incident_ids),
                        description="Measure",
                        owner=owner,
                        due_on=today - dt.timedelta(days=1) if due else today + dt.timedelta(days=400),
                        status="planned",
                    )
                    for _ in range(min(BATCH, count - start))
                )
            # The incidents must be live for their measures to remind.
            Incident.objects.filter(pk__in=incident_ids).update(status=IncidentStatus.MEASURES)

        def run(rows_label):
            Reminder.objects.all().delete()
            # The sweep (the beat job) is measured; sending is the workers' job, so delivery is not queued here.
            with mock.patch("hpregister.tasks.deliver_reminder.delay"):
                started = time.perf_counter()
                sweep()
                first = time.perf_counter() - started
                started = time.perf_counter()
                sweep()
                second = time.perf_counter() - started
            queued = Reminder.objects.count()
            lines.append(f"| {rows_label} | 1000 | {first:.2f} | {second:.2f} | {queued} |")
            self.say(lines[-1])

        add_rows(1000, due=True)
        add_rows(9000, due=False)
        self.analyze()
        run("10 000")
        add_rows(total_rows - 10000, due=False)
        self.analyze()
        run(f"{total_rows:,}".replace(",", " "))
        return [
            "Reminder sweep (1 000 due measures, plus the running 72-hour clocks and the risk reviews due; the"
            " first sweep renders their e-mails into the ledger and queues them for the workers, the second finds"
            " them all there):",
            "",
            *lines,
            "",
        ]

    # --- export ------------------------------------------------------------------------------------
    def measure_export(self, users):
        """Time one export, then measure its peak memory in a second one: tracemalloc slows every allocation
        several times over, so it must not run while the clock does."""
        client = Client()
        client.force_login(users["alice"])

        def export():
            response = client.get("/incidents/?_export=csv")
            return sum(len(chunk) for chunk in response.streaming_content)

        with override_settings(OTP_REQUIRED=False):
            started = time.perf_counter()
            size = export()
            elapsed = time.perf_counter() - started
            tracemalloc.start()
            export()
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rows = Incident.objects.count()
        return [
            "Export (streaming CSV of the whole incident list; memory measured in a second run):",
            "",
            "| rows | seconds | size MB | peak Python memory MB |",
            "| ---: | ---: | ---: | ---: |",
            f"| {rows} | {elapsed:.1f} | {size / 1e6:.1f} | {peak / 1e6:.1f} |",
            "",
        ]

    @staticmethod
    def settings_used():
        return settings.DATABASES["default"]["ENGINE"]
