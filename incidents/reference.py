from hpregister.reference import LoadReport, load_once, read_csv

from .choices import IncidentCategory
from .models import BreachCount

CATEGORIES = {
    "Manglende/feil i tilgangsstyring": IncidentCategory.ACCESS_CONTROL,
    "System- eller programmeringsfeil": IncidentCategory.SYSTEM_ERROR,
    "Andre (uspesifisert)": IncidentCategory.OTHER,
}
SOURCE = "Vista Analyse 2025/38 punkt 7.8.6 (figur 7.2): brudd meldt til Datatilsynet 1.1.2023–7.11.2025"


def load(report: LoadReport) -> None:
    for row in read_csv("incident_counts.csv"):
        category = CATEGORIES[row["category"]]
        note = {"full year": "Hele året"}.get(row["period_note"], row["period_note"].replace("until", "til og med"))
        load_once(
            report,
            "breach_counts",
            f"{row['year']}:{category}",
            BreachCount,
            {
                "year": int(row["year"]),
                "category": category,
                "count": int(row["count"]),
                "period_note": note,
                "source": SOURCE,
            },
        )
