from django.core.management.base import BaseCommand
from django.db import transaction

from compliance import reference as compliance_reference
from hpregister.reference import LoadReport, load_organisations
from incidents import reference as incidents_reference
from risks import reference as risks_reference


class Command(BaseCommand):
    help = "Load the reference data in reference/ once. Safe to run again: it never overwrites user edits."

    def handle(self, *args, **options):
        report = LoadReport()
        with transaction.atomic():
            load_organisations(report)
            compliance_reference.load(report)
            risks_reference.load(report)
            incidents_reference.load(report)
        for dataset, created in report.created.items():
            self.stdout.write(f"{dataset}: {created} created")
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {report.total} new rows."))
