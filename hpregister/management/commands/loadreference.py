from django.core.management.base import BaseCommand
from django.db import transaction

from hpregister.reference import LoadReport
from hpregister.registry import reference_loaders


class Command(BaseCommand):
    help = "Load the reference data in reference/ once. Safe to run again: it never overwrites user edits."

    def handle(self, *args, **options):
        report = LoadReport()
        with transaction.atomic():
            for loader in reference_loaders:  # the kernel's organisations first, then each app's datasets
                loader.load(report)
        for dataset, created in report.created.items():
            self.stdout.write(f"{dataset}: {created} created")
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {report.total} new rows."))
