import datetime as dt
from zoneinfo import ZoneInfo

from hpregister.reference import LoadReport, load_once, organisation_named, read_csv

from .choices import Dimension, MeasureStatus, Treatment
from .models import LevelBand, MatrixCell, PeriodEntry, ReportingPeriod, Risk, RiskMeasure, RiskScale, ScaleStep

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


# The default matrix follows the bands KS publishes for a 4 x 4 matrix (score = probability x consequence):
# green 1-3, yellow 4-6, red 8-16. Administrators edit it as data.
LEVELS = [(1, "Lav", "#2e7d32", False), (2, "Middels", "#f9a825", False), (3, "Høy", "#c62828", True)]
SCALE_SOURCE = "KS: risikomatrise 4 × 4 (produkt av sannsynlighet og konsekvens): grønn 1–3, gul 4–6, rød 8–16"


def level_for(probability: int, consequence: int) -> int:
    score = probability * consequence
    return 1 if score <= 3 else 2 if score <= 6 else 3


def load_scales(report: LoadReport) -> dict:
    scale = load_once(
        report,
        "risk_scales",
        "v1",
        RiskScale,
        {"name": "Helse Midt-Norge, 4 x 4", "version": 1, "is_active": True, "source": SCALE_SOURCE},
    )
    steps = {}
    for dimension, labels in SCALES.items():
        for value, label in enumerate(labels, start=1):
            steps[(dimension, label)] = load_once(
                report,
                "scale_steps",
                f"{dimension}:{value}",
                ScaleStep,
                {"scale": scale, "dimension": dimension, "value": value, "label": label},
            )
    bands = {
        rank: load_once(
            report,
            "risk_levels",
            f"v1:{rank}",
            LevelBand,
            {"scale": scale, "rank": rank, "label": label, "colour": colour, "acceptance_needs_manager": needs_manager},
        )
        for rank, label, colour, needs_manager in LEVELS
    }
    for p_index, p_label in enumerate(SCALES[Dimension.PROBABILITY], start=1):
        for c_index, c_label in enumerate(SCALES[Dimension.CONSEQUENCE], start=1):
            probability, consequence = steps[(Dimension.PROBABILITY, p_label)], steps[(Dimension.CONSEQUENCE, c_label)]
            band = bands[level_for(p_index, c_index)]
            if None not in (scale, probability, consequence, band):
                load_once(
                    report,
                    "matrix_cells",
                    f"v1:{p_index}:{c_index}",
                    MatrixCell,
                    {"scale": scale, "probability": probability, "consequence": consequence, "level": band},
                )
    return steps


def _period(report, organisation, name) -> ReportingPeriod:
    """Loaded as a draft; approved once its entries are in (approved periods are frozen)."""
    return load_once(
        report,
        "reporting_periods",
        f"{AUTHORITY}:{name}",
        ReportingPeriod,
        {"organisation": organisation, "name": name, **PERIODS[name]},
    )


def _approve_as_published(period) -> None:
    if period is not None and period.approved_at is None and period.entries.exists():
        period.approved_at = dt.datetime.combine(period.ends_on, dt.time(23, 59), tzinfo=OSLO)
        period._change_reason = "Approved as published in the source"
        period.save(update_fields=["approved_at"])


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
    _approve_as_published(previous)
    _approve_as_published(current)
