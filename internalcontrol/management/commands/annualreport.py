"""Write the DPO's annual report as a PDF file: ``manage.py annualreport --year 2025 --output report.pdf``."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from internalcontrol.report import annual_report_pdf


class Command(BaseCommand):
    help = "Write the data protection officer's annual report for a year as a PDF, as one user sees it."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, help="The PDF file to write.")
        parser.add_argument("--user", help="Whose view of the register (default: the first superuser).")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=[c for c, _ in settings.LANGUAGES])

    def handle(self, *args, year, output, user, language, **options):
        User = get_user_model()
        reader = (
            User.objects.filter(username=user).first()
            if user
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if reader is None:
            raise CommandError(f"No such user: {user}" if user else "No superuser: name one with --user.")
        host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")), "localhost")
        request = RequestFactory(SERVER_NAME=host).get(reverse("internalcontrol:annual_report_pdf"), {"year": year})
        request.user = reader
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = annual_report_pdf(request)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise CommandError(f"The report could not be written ({response.status_code}).")
        Path(output).write_bytes(response.content)
        self.stdout.write(f"Wrote {output} ({len(response.content)} bytes) for {year}, as {reader.username}.")
