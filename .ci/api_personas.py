"""Two API personas for schemathesis (.ci/schemathesis.sh), run with `manage.py shell`: a privacy officer of
Helseplattformen AS (sees and changes every organisation's records) and one of St. Olavs hospital HF (only
theirs). Each gets a personal API token, as a script would, and a schemathesis configuration of its own.

The register's forms check every id against the database (an organisation the persona may change, a member as
owner, a step of the active risk scale, a duty, a sub-processor) and every date against the clock (aware after
discovered, not in the future). Random integers and dates almost never pass, so the chains that the stateful
phase follows (add a record, read it, change it, act on it) would stop at their first 400. The configuration
gives those fields the persona's real values four times in five (schemathesis "dictionaries"); the fifth stays
random, so the refusals are still exercised. A St. Olavs breach with a measure, and an action on a gap, are
added first, so that every list has something to link to.

Prints "name key config" per line."""

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.models import Gap, GapAction, Obligation, ProcessorAgreement, SubProcessor
from hpregister.choices import Role
from hpregister.models import ApiToken, Membership, Organisation
from incidents.models import Incident, IncidentMeasure, RootCause
from risks.choices import Dimension
from risks.models import Risk, ScaleStep

PERSONAS = {
    "api-operator": ["Helseplattformen AS", "St. Olavs hospital HF"],
    "api-stolav": ["St. Olavs hospital HF"],
}
# The time fields of the forms (breach, notification, affected organisation, Art. 34, police, processor).
TIMES = (
    "discovered_at",
    "aware_at",
    "occurred_from",
    "occurred_to",
    "sent_at",
    "informed_at",
    "acknowledged_at",
    "subjects_informed_at",
    "police_notified_at",
    "processor_detected_at",
    "processor_notified_at",
)
OUT = Path("var/schemathesis")
OUT.mkdir(parents=True, exist_ok=True)
now = timezone.now()
today = timezone.localdate()
stolav = Organisation.objects.get(name="St. Olavs hospital HF")


def ids(queryset, n=6):
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:n])


def seed(owner):
    """A breach with a measure and an action on a gap, in St. Olavs (idempotent)."""
    incident = Incident.objects.filter(title="Schemathesis: feilsendt epikrise").first()
    if incident is None:
        incident = Incident.objects.create(
            title="Schemathesis: feilsendt epikrise",
            description="Epikrise sendt til feil fastlege.",
            category="misdirected",
            breach_confidentiality=True,
            how_known="internal",
            discovered_at=now - dt.timedelta(hours=30),
            aware_at=now - dt.timedelta(hours=26),
            created_by=owner,
        )
        incident.organisations.add(stolav)
        IncidentMeasure.objects.create(
            incident=incident, description="Ring fastlegen og be om sletting", owner=owner, due_on=today
        )
    gap = Gap.objects.filter(organisation=stolav).order_by("pk").first() or Gap.objects.order_by("pk").first()
    if gap is not None and not GapAction.objects.filter(gap=gap).exists():
        GapAction.objects.create(gap=gap, description="Kartlegg arkivplikten", owner=owner, due_on=today)


def config(user, organisations) -> str:
    def dates(*days):
        return [(today + dt.timedelta(days=d)).isoformat() for d in days]

    def times(*hours):
        return [(now - dt.timedelta(hours=h)).isoformat(timespec="seconds") for h in hours]

    steps = ScaleStep.objects.filter(scale__is_active=True)
    dictionaries = {
        "organisations": [o.pk for o in organisations],
        "users": ids(get_user_model().objects.filter(memberships__organisation__in=organisations).distinct()),
        "duties": ids(Obligation.objects.all()),
        "risks": ids(Risk.objects.filter(organisation__in=organisations)),
        "probabilities": ids(steps.filter(dimension=Dimension.PROBABILITY)),
        "consequences": ids(steps.filter(dimension=Dimension.CONSEQUENCE)),
        "subprocessors": ids(SubProcessor.objects.all()),
        "root_causes": ids(RootCause.objects.all()),
        "agreements": ids(ProcessorAgreement.objects.filter(organisation__in=organisations)),
        "past": dates(-400, -60, -7, -1, 0),
        "dates": dates(-30, -1, 0, 1, 14, 90, 365),
        "times": times(70, 49, 30, 26, 2, 0.5),
        "countries": ["NO", "SE", "DK", "US", "IN", "GB"],
    }
    bindings = {
        "organisation": "organisations",
        "organisations[*]": "organisations",
        "owner": "users",
        "obligations[*]": "duties",
        "risks[*]": "risks",
        "inherent_probability": "probabilities",
        "residual_probability": "probabilities",
        "inherent_consequence": "consequences",
        "residual_consequence": "consequences",
        "subprocessor": "subprocessors",
        "replaces": "subprocessors",
        "country": "countries",
        "root_cause": "root_causes",
        "processor_agreement": "agreements",
        **{name: "past" for name in ("done_on", "status_date", "received_on", "dpf_checked_on", "tia_date")},
        **{name: "past" for name in ("approved_on", "last_review", "starts_on", "adopted_on", "signed_on")},
        **{name: "dates" for name in ("due_on", "next_review", "objection_deadline", "ends_on", "expires_on")},
        **dict.fromkeys(TIMES, "times"),
    }
    # The stateful phase sends valid bodies only: its job is the chains. Invalid ones are the other phases' job.
    lines = ["[phases.stateful.generation]", 'mode = "positive"', "", "[dictionaries]"]
    lines += [f"{name} = {{ values = {json.dumps(values)} }}" for name, values in dictionaries.items() if values]
    lines += ["", "[parameters]"]
    lines += [
        f'"body.{field}" = {{ dictionary = "{name}", probability = 0.8 }}'
        for field, name in bindings.items()
        if dictionaries[name]
    ]
    path = OUT / f"{user.username}.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


users = {}
for username, names in PERSONAS.items():
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@example.test"})
    organisations = [Organisation.objects.get(name=name) for name in names]
    Membership.objects.get_or_create(user=user, organisation=organisations[0], role=Role.PRIVACY_OFFICER)
    users[username] = user, organisations
seed(users["api-stolav"][0])
for username, (user, organisations) in users.items():
    _token, key = ApiToken.issue(user, name="schemathesis", days=1, read_only=False)
    print(username, key, config(user, organisations))
