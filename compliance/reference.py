import datetime as dt

from hpregister.reference import LoadReport, load_once, operator, read_csv

from .choices import GapKind, GapStatus, Holder, TransferBasis
from .models import Gap, Instrument, Obligation, SubProcessor

HOLDERS = {
    "Helseplattformen AS": Holder.OPERATOR,
    "Helsevirksomhetene": Holder.EACH_ORGANISATION,
    "Delt ansvar": Holder.SHARED,
}
GAP_STATUS = {
    "Åpen": GapStatus.OPEN,
    "Lukket": GapStatus.CLOSED,
    "Delvis oppfylt": GapStatus.PARTLY_FULFILLED,
    "Ikke oppfylt": GapStatus.NOT_FULFILLED,
    "Under arbeid": GapStatus.IN_PROGRESS,
}
TRANSFER_BASES = {
    "EU Standard Contractual Clauses": TransferBasis.SCC,
    "UK adequacy decision": TransferBasis.ADEQUACY,
    "Within EEA": TransferBasis.WITHIN_EEA,
}
COUNTRIES = {
    "United States": "US",
    "United Kingdom": "GB",
    "Netherlands": "NL",
    "Denmark": "DK",
    "Finland": "FI",
    "Norway": "NO",
    "Australia": "AU",
    "France": "FR",
}
HELSENORGE_SOURCE = "Forskrift om standarder og nasjonale e-helseløsninger § 12; Vista Analyse 2025/38 tabell 7.1"
EPIC_AGREEMENT = "Bridging Contract Helse Midt-Norge RHF, Appendix C8 – Data Processing Agreement"


def load_hod_decision(report: LoadReport) -> Instrument:
    return load_once(
        report,
        "instruments",
        "HOD 20/2985-9",
        Instrument,
        {
            "title": "Vedtak om Helseplattformen og dataansvar",
            "issuer": "Helse- og omsorgsdepartementet (HOD)",
            "reference": "20/2985-9",
            "issued_on": dt.date(2022, 3, 23),
            "amended_on": dt.date(2024, 7, 16),
            "note": "Sist oppdatert 16.07.2024 (ref. 20/2985-38). HOD-brev 04.09.2025 (ref. 20/2985) om videreføring "
            "med justeringer; vedtaket er under evaluering.",
        },
    )


def load_obligations(report: LoadReport) -> None:
    instrument = load_hod_decision(report)
    for row in read_csv("hod_obligations.csv"):
        duty = load_once(
            report,
            "obligations",
            row["code"],
            Obligation,
            {
                "instrument": instrument,
                "code": row["code"],
                "decision_point": row["decision_point"],
                "holder": HOLDERS[row["responsible"]],
                "title": row["title"],
                "legal_basis": row["legal_basis"],
                "summary": row["summary"],
            },
        )
        report.add("assessments", False)
        if duty is not None:  # one "not assessed" row per holder organisation, created once
            report.created["assessments"] += duty.ensure_assessments()


def load_gaps(report: LoadReport) -> None:
    owner = operator()
    for row in read_csv("archive_gaps.csv"):
        load_once(
            report,
            "gaps",
            row["code"],
            Gap,
            {
                "code": row["code"],
                "kind": GapKind.ARCHIVE,
                "title": row["title"],
                "raised_by": row["raised_by"],
                "source": row["source_reference"],
                "summary": row["summary"],
                "proposed_remedy": row["proposed_remedy"],
                "status": GapStatus.OPEN,
                "organisation": owner,
            },
        )
    for number, row in enumerate(read_csv("helsenorge_services.csv"), start=1):
        load_once(
            report,
            "gaps",
            f"HN-{number}",
            Gap,
            {
                "code": f"HN-{number}",
                "kind": GapKind.HELSENORGE,
                "title": f"Helsenorge: {row['service']}",
                "source": HELSENORGE_SOURCE,
                "summary": row["meaning"],
                "status": GAP_STATUS[row["status"]],
                "status_date": dt.date.fromisoformat(row["status_date"]),
                "status_note": row["note"],
                "organisation": owner,
            },
        )
    for row in read_csv("findings.csv"):
        load_once(
            report,
            "gaps",
            row["code"],
            Gap,
            {
                "code": row["code"],
                "kind": GapKind.FINDING,
                "title": row["title"],
                "source": row["source"],
                "reported": row["reported"],
                "status": GAP_STATUS[row["status"]],
                "summary": row["summary"],
                "organisation": owner,
            },
        )


def load_subprocessors(report: LoadReport) -> None:
    for row in read_csv("subprocessors.csv"):
        basis = TRANSFER_BASES[row["transfer_basis"]]
        load_once(
            report,
            "subprocessors",
            row["name"],
            SubProcessor,
            {
                "name": row["name"],
                "processing_activity": row["processing_activity"],
                "address": row["address"],
                "country": COUNTRIES[row["country"]],
                "transfer_basis": basis,
                "transfer_reference": row["transfer_reference"],
                "data_processed": row["data_processed"],
                "agreement_reference": EPIC_AGREEMENT,
            },
        )


def load(report: LoadReport) -> None:
    load_obligations(report)
    load_gaps(report)
    load_subprocessors(report)
