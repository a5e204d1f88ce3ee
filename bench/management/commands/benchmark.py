"""Build a large register in the configured database and measure the pages, the sweep and the export.

Run it on a database of its own (bench/run.py makes one for SQLite and one for PostgreSQL):
    python manage.py benchmark --incidents 100000 --risks 10000 --subprocessors 1000
"""

from __future__ import annotations

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

from hpregister.choices import Role
from hpregister.models import Membership, Organisation, Reminder
from hpregister.registry import BenchPage, bench_scenarios

# The kernel's own pages; each app adds its data and pages as a scenario (hpregister.registry.bench_scenarios).
KERNEL_PAGES = (
    BenchPage("Dashboard", "alice", lambda: "/"),
    BenchPage("My tasks", "alice", lambda: "/tasks/"),
)


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
            "--parts", nargs="*", choices=["pages", "sweep", "export"], default=["pages", "sweep", "export"]
        )

    def handle(self, *args, **o):
        if not o["yes"]:
            raise CommandError("This fills the database with test data: use a database of its own, and --yes.")
        reuse = get_user_model().objects.filter(username="bench.alice").exists()
        if reuse and not o["reuse"]:
            raise CommandError("The database was built by an earlier run: use an empty benchmark database, or --reuse.")
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
        """Each app's scenario bulk-creates its share of the register, in one transaction."""
        organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
        with transaction.atomic():
            for scenario in bench_scenarios:
                if scenario.build is not None:
                    scenario.build(rng, o, organisation_ids)

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
        pages = [page for scenario in bench_scenarios for page in scenario.pages] + list(KERNEL_PAGES)
        lines = ["| page | median ms | p95 ms | queries |", "| --- | ---: | ---: | ---: |"]
        clients = {}
        with override_settings(OTP_REQUIRED=False, ALLOWED_HOSTS=["*"]):
            for page in pages:
                label, who, url = page.label, page.persona, page.url()
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
        sources = [scenario.deadline_rows for scenario in bench_scenarios if scenario.deadline_rows is not None]

        def add_rows(count, due):
            # Spread over the scenarios that have deadlines (today: the incident measures).
            for n, add in enumerate(sources):
                add(rng, count // len(sources) + (1 if n < count % len(sources) else 0), due)

        for add in sources:
            add(rng, 0, False)  # a reused register drops an earlier run's deadline rows

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

        [url] = [scenario.export_url for scenario in bench_scenarios if scenario.export_url][:1]

        def export():
            """(bytes, data rows) of the streamed CSV."""
            size = lines = 0
            for chunk in client.get(url).streaming_content:
                size += len(chunk)
                lines += chunk.count(b"\n")
            return size, lines - 1  # less the header

        with override_settings(OTP_REQUIRED=False):
            started = time.perf_counter()
            size, rows = export()
            elapsed = time.perf_counter() - started
            tracemalloc.start()
            export()
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return [
            f"Export (streaming CSV of the whole list {url}; memory measured in a second run):",
            "",
            "| rows | seconds | size MB | peak Python memory MB |",
            "| ---: | ---: | ---: | ---: |",
            f"| {rows} | {elapsed:.1f} | {size / 1e6:.1f} | {peak / 1e6:.1f} |",
            "",
        ]

    @staticmethod
    def settings_used():
        return settings.DATABASES["default"]["ENGINE"]
