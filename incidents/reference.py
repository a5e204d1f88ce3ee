from hpregister.reference import LoadReport, load_once, read_csv

from .choices import IncidentCategory
from .models import BreachCount, RootCause

# The root causes the data protection officer's annual report counts by (Vista Analyse 2025/38, 7.8.6), and
# the ones issue #16 names; the operator edits them as data.
ROOT_CAUSES = [
    ("Tilgangsstyring (oppsett)", "Manglende eller feil oppsett av tilganger: roller, maler, sperrer."),
    ("System- eller programmeringsfeil", "Feil i Epic, integrasjoner eller egen konfigurasjon."),
    ("Menneskelig feil", "Feilsending, feil pasient, feil mottaker og lignende."),
    ("Databehandler", "Bruddet oppsto hos en databehandler eller underdatabehandler."),
    ("Annet", "Annen eller ukjent årsak."),
]
CATEGORIES = {
    "Manglende/feil i tilgangsstyring": (IncidentCategory.ACCESS_CONTROL, "Tilgangsstyring (oppsett)"),
    "System- eller programmeringsfeil": (IncidentCategory.SYSTEM_ERROR, "System- eller programmeringsfeil"),
    "Andre (uspesifisert)": (IncidentCategory.OTHER, "Annet"),
}
SOURCE = "Vista Analyse 2025/38 punkt 7.8.6 (figur 7.2): brudd meldt til Datatilsynet 1.1.2023–7.11.2025"


def load(report: LoadReport) -> None:
    causes = {
        name: load_once(
            report,
            "root_causes",
            name,
            RootCause,
            {"name": name, "description": description, "order": order * 10},
        )
        for order, (name, description) in enumerate(ROOT_CAUSES, start=1)
    }
    for row in read_csv("incident_counts.csv"):
        category, cause_name = CATEGORIES[row["category"]]
        note = {"full year": "Hele året"}.get(row["period_note"], row["period_note"].replace("until", "til og med"))
        count = load_once(
            report,
            "breach_counts",
            f"{row['year']}:{category}",
            BreachCount,
            {
                "year": int(row["year"]),
                "category": category,
                "root_cause": causes[cause_name],
                "count": int(row["count"]),
                "period_note": note,
                "source": SOURCE,
            },
        )
        if count is not None and count.root_cause_id is None and causes[cause_name] is not None:
            count.root_cause = causes[cause_name]  # counts loaded before root causes existed
            count._change_reason = "Root cause from the source's category"
            count.save(update_fields=["root_cause"])
