from django.core.management.base import BaseCommand

from hpregister.reminders.sweep import sweep


class Command(BaseCommand):
    help = "Run the reminder sweep once, now (the same sweep Celery beat runs every few minutes)."

    def handle(self, *args, **options):
        queued = sweep()
        for kind, count in queued.items():
            self.stdout.write(f"{kind}: {count} queued")
        self.stdout.write(self.style.SUCCESS(f"{sum(queued.values())} reminders queued."))
