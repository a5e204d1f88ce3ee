import datetime as dt
from zoneinfo import ZoneInfo

from hpregister.reference import LoadReport, load_once, organisation_named, read_csv

from .choices import Dimension, MeasureStatus, Treatment
from .models import PeriodEntry, ReportingPeriod, Risk, RiskMeasure, ScaleStep

OSLO = ZoneInfo("Europe/Oslo")
AUTHORITY = "Helse Midt-Norge RHF"
SCALES = {
    Dimension.PROBABILITY: ["Lav", "Moderat", "Høy", "Svært høy"],
    Dimension.CONSEQUENCE: ["Liten", "Moderat", "Alvorlig", "Svært alvorlig"],
}
PERIODS = {
    "1. tertial 2025": {
        "starts_on": dt.date(2025, 1, 1),
        "ends_on": dt.date(2025, 4, 30),
        "source": "Styresak 93/2025 (juni 2025); rangering rekonstruert fra «forrige rang» i sak 147-2025",
        "note": "Rekonstruert: bare rangen til risikoene som fortsatt er på listen i 2. tertial 2025 er kjent. "
        "Rang 8 og 10 og restrisikoen i perioden står ikke i kilden. Godkjenningstidspunktet står ikke "
        "i kilden og er satt til periodens slutt.",
    },
    "2. tertial 2025": {
        "starts_on": dt.date(2025, 5, 1),
        "ends_on": dt.date(2025, 8, 31),
        "source": "Helse Midt-Norge RHF, Tertialrapport per 2. tertial 2025, tabell 10 (sak 147-2025)",
        "note": "Godkjenningstidspunktet står ikke i kilden og er satt til periodens slutt.",
    },
}
RISK6_TITLE = "Avhengighet av amerikanske skytjenester og leverandører"
RISK6_DESCRIPTION = (
    "Det er usikkerhet om hvordan regjeringen i USA vil håndtere personvernspørsmål, og dermed om amerikanske "
    "aktører vil etterleve relevant personvernlovgivning i EU. Det juridiske grunnlaget for overføring av "
    "personopplysninger kan falle bort. Faller både tillit og overføringsgrunnlag bort, kan det bli krav om å "
    "migrere bort fra amerikanske skytjenester og leverandører som vi i dag er svært avhengige av. "
    "Sannsynligheten vurderes som lav, men konsekvensen alvorlig: det vil være tid- og ressurskrevende og "
    "kostbart. Risikoen er uforandret fra rapporten i juni 2025 (styresak 93/2025). "
    "(Kilde: Vista Analyse 2025/38 punkt 7.8.8.)"
)
RISK6_MEASURES = [
    (
        "Innledende utredning av hvordan en exit-strategi fra amerikanske skytjenester og leverandører kan se ut "
        "(regionalt nivå).",
        "Helse Midt-Norge RHF",
    ),
    ("Kartlegging av avhengigheter til amerikanske leverandører av tjenester og applikasjoner.", "Hemit HF"),
]


def load_scales(report: LoadReport) -> dict:
    steps = {}
    for dimension, labels in SCALES.items():
        for value, label in enumerate(labels, start=1):
            steps[(dimension, label)] = load_once(
                report,
                "scale_steps",
                f"{dimension}:{value}",
                ScaleStep,
                {"dimension": dimension, "value": value, "label": label},
            )
    return steps


def _period(report, organisation, name) -> ReportingPeriod:
    spec = PERIODS[name]
    approved_at = dt.datetime.combine(spec["ends_on"], dt.time(23, 59), tzinfo=OSLO)
    return load_once(
        report,
        "reporting_periods",
        f"{AUTHORITY}:{name}",
        ReportingPeriod,
        {
            "organisation": organisation,
            "name": name,
            "approved_at": approved_at,
            **spec,
        },
    )


def load(report: LoadReport) -> None:
    steps = load_scales(report)
    organisation = organisation_named(AUTHORITY)
    previous = _period(report, organisation, "1. tertial 2025")
    current = _period(report, organisation, "2. tertial 2025")
    for row in read_csv("top10_risks.csv"):
        probability = steps[(Dimension.PROBABILITY, row["residual_probability"])]
        consequence = steps[(Dimension.CONSEQUENCE, row["residual_consequence"])]
        is_risk6 = row["title"] == RISK6_TITLE
        risk = load_once(
            report,
            "risks",
            f"{AUTHORITY}:{row['title']}",
            Risk,
            {
                "title": row["title"],
                "organisation": organisation,
                "residual_probability": probability,
                "residual_consequence": consequence,
                "description": RISK6_DESCRIPTION if is_risk6 else "",
                "treatment": Treatment.REDUCE if is_risk6 else "",
                "treatment_justification": "Risikoreduserende tiltak er foreslått (punkt 7.8.8)." if is_risk6 else "",
            },
        )
        if risk is None:
            continue
        if current is not None:
            load_once(
                report,
                "period_entries",
                f"{current.name}:{row['rank']}",
                PeriodEntry,
                {
                    "period": current,
                    "risk": risk,
                    "rank": int(row["rank"]),
                    "residual_probability": probability,
                    "residual_consequence": consequence,
                },
            )
        if previous is not None and row["previous_rank"].isdigit():
            load_once(
                report,
                "period_entries",
                f"{previous.name}:{row['previous_rank']}",
                PeriodEntry,
                {
                    "period": previous,
                    "risk": risk,
                    "rank": int(row["previous_rank"]),
                },
            )
        if is_risk6:
            for number, (description, responsible) in enumerate(RISK6_MEASURES, start=1):
                load_once(
                    report,
                    "risk_measures",
                    f"risk6:{number}",
                    RiskMeasure,
                    {
                        "risk": risk,
                        "description": description,
                        "responsible": responsible,
                        "status": MeasureStatus.PLANNED,
                    },
                )
