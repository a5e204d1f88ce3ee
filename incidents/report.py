"""The fields of Datatilsynet's breach notification (Altinn), in the form's order, filled from an incident."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .choices import Phase


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def datatilsynet_report(incident) -> dict:
    """Sections of (label, value, required) rows and the list of required fields still missing."""
    notifications = list(incident.notifications.all())
    initial = next((n for n in notifications if n.phase == Phase.INITIAL), None)
    clock = incident.clock()
    sections = [
        (
            _("Contact and notification"),
            [
                (_("Contact point"), incident.contact_point, True),
                (
                    _("Affected organisations (controllers)"),
                    ", ".join(o.name for o in incident.organisations.all()),
                    True,
                ),
                (
                    _("Type of notification"),
                    (initial.get_phase_display() + (" (" + str(_("phased")) + ")" if initial.phased else ""))
                    if initial
                    else "",
                    False,
                ),
                (
                    _("Reasons for the delay"),
                    initial.delay_reason if initial else "",
                    bool(clock.get("late")) and clock["state"] in ("notified", "overdue"),
                ),
            ],
        ),
        (
            _("About the breach"),
            [
                (_("Title"), incident.title, True),
                (_("What happened and how"), incident.description, True),
                (_("Main cause"), incident.main_cause, True),
                (_("Category"), incident.get_category_display(), True),
                (_("Type of breach"), ", ".join(incident.breach_types), True),
                (_("Occurred from"), _when(incident.occurred_from), True),
                (_("Occurred until"), _("still ongoing") if incident.ongoing else _when(incident.occurred_to), True),
                (_("Discovered"), _when(incident.discovered_at), True),
                (_("Became aware"), _when(incident.aware_at), True),
                (_("Basis for awareness"), incident.awareness_basis, True),
                (_("How it became known"), incident.get_how_known_display(), True),
                (_("Processor involved"), incident.processor, False),
                (_("Processor detected it"), _when(incident.processor_detected_at), bool(incident.processor)),
                (_("Processor notified us"), _when(incident.processor_notified_at), bool(incident.processor)),
            ],
        ),
        (
            _("Personal data and data subjects"),
            [
                (_("Categories of personal data"), ", ".join(incident.data_category_labels()), True),
                (_("Approximate number of data subjects"), incident.subjects_count, True),
                (_("Approximate number of records"), incident.records_count, True),
                (_("Relation to the people affected"), incident.subjects_relation, True),
                (_("Where the data is now"), incident.data_location, True),
            ],
        ),
        (
            _("Consequences and measures"),
            [
                (_("Likely consequences"), incident.likely_consequences, True),
                (_("Measures taken"), incident.measures_taken, True),
                (_("Measures planned"), incident.measures_planned, True),
            ],
        ),
        (
            _("Risk and the data subjects"),
            [
                (_("Risk to the data subjects"), incident.get_risk_level_display(), True),
                (_("Rationale"), incident.risk_rationale, True),
                (
                    _("Informing the data subjects (Art. 34)"),
                    incident.get_subjects_decision_display(),
                    incident.risk_level == "high",
                ),
                (
                    _("When and how they were informed"),
                    " – ".join(filter(None, [_when(incident.subjects_informed_at), incident.subjects_informed_how])),
                    incident.subjects_decision == "inform",
                ),
            ],
        ),
    ]
    rows = []
    missing = []
    for title, items in sections:
        section_rows = []
        for label, value, required in items:
            empty = value in (None, "")
            section_rows.append({"label": label, "value": value, "missing": required and empty})
            if required and empty:
                missing.append(label)
        rows.append({"title": title, "rows": section_rows})
    return {"sections": rows, "missing": missing}
