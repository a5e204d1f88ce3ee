from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hpregister.choices import Role
from hpregister.models import Membership, Organisation

DEMO_PASSWORD = "demo-pass-2026"
# username: (first name, last name, superuser, [(organisation, role), ...])
DEMO_USERS = {
    "admin": ("Admin", "Administrator", True, []),
    "hpas.personvern": (
        "Hanne",
        "Personvern (Helseplattformen AS)",
        False,
        [("Helseplattformen AS", Role.PRIVACY_OFFICER)],
    ),
    "stolav.personvern": (
        "Siri",
        "Personvern (St. Olavs hospital HF)",
        False,
        [("St. Olavs hospital HF", Role.PRIVACY_OFFICER)],
    ),
    "melhus.personvern": ("Mats", "Personvern (Melhus)", False, [("Melhus", Role.PRIVACY_OFFICER)]),
    "leder": (
        "Lene",
        "Leder",
        False,
        [("Helse Midt-Norge RHF", Role.MANAGER), ("St. Olavs hospital HF", Role.MANAGER)],
    ),
}


class Command(BaseCommand):
    help = "Create the demo users listed in README.md (development only; refused when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users are for development only: refusing to create them with DEBUG off.")
        User = get_user_model()
        created_count = 0
        with transaction.atomic():
            for username, (first, last, superuser, memberships) in DEMO_USERS.items():
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.invalid",
                        "is_superuser": superuser,
                        "is_staff": superuser,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                    created_count += 1
                for organisation_name, role in memberships:
                    organisation = Organisation.objects.filter(name=organisation_name).first()
                    if organisation is None:
                        raise CommandError(f"{organisation_name} is missing: run loadreference first.")
                    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
        self.stdout.write(self.style.SUCCESS(f"Demo users ready ({created_count} new); password {DEMO_PASSWORD}."))
