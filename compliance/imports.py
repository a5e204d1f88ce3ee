"""Import of an updated sub-processor list: validate every row, show the differences, apply all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from .choices import NoticeChange, SubProcessorStatus, TransferBasis
from .models import SubProcessor, SubProcessorNotice
from .reference import COUNTRIES, TRANSFER_BASES

FIELDS = ["processing_activity", "address", "country", "transfer_basis", "transfer_reference", "data_processed"]
BASES = {
    **TRANSFER_BASES,
    **{b.value: b.value for b in TransferBasis},
    **{str(b.label): b.value for b in TransferBasis},
}


@dataclass
class ImportPlan:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _country(value: str) -> str | None:
    value = value.strip()
    if value in COUNTRIES:
        return COUNTRIES[value]
    if len(value) == 2 and value.upper() in dict(countries):
        return value.upper()
    return countries.by_name(value, language="en") or countries.by_name(value, language="nb") or None


def _length_problems(raw: dict) -> list[str]:
    """Each value against its column: too long, or with a character no database text can hold."""
    problems = []
    for name in ("name", "processing_activity", "address", "transfer_reference", "data_processed"):
        value = raw.get(name, "")
        field = SubProcessor._meta.get_field(name)
        if "\x00" in value:
            problems.append(_("%(field)s holds a NUL character") % {"field": field.verbose_name})
        elif field.max_length and len(value.strip()) > field.max_length:
            problems.append(
                _("%(field)s is longer than %(max)d characters")
                % {"field": field.verbose_name, "max": field.max_length}
            )
    return problems


def normalise(raw_rows: list[dict]) -> ImportPlan:
    """Check every row (line numbers count the header as line 1)."""
    plan = ImportPlan()
    seen = set()
    for line, raw in enumerate(raw_rows, start=2):
        name = raw.get("name", "").strip()
        problems = []
        if not name:
            problems.append(_("the name is empty"))
        elif name.lower() in seen:
            problems.append(_("%(name)s appears twice") % {"name": name})
        if not raw.get("processing_activity", "").strip():
            problems.append(_("the processing activity is empty"))
        country = _country(raw.get("country", ""))
        if not country:
            problems.append(_("unknown country %(country)r") % {"country": raw.get("country", "")})
        basis = BASES.get(raw.get("transfer_basis", "").strip())
        if not basis:
            problems.append(_("unknown transfer basis %(basis)r") % {"basis": raw.get("transfer_basis", "")})
        problems += _length_problems(raw)
        if problems:
            plan.errors.append((line, "; ".join(problems)))
            continue
        seen.add(name.lower())
        plan.rows.append(
            {
                "name": name,
                "processing_activity": raw["processing_activity"].strip(),
                "address": raw.get("address", "").strip(),
                "country": country,
                "transfer_basis": basis,
                "transfer_reference": raw.get("transfer_reference", "").strip(),
                "data_processed": raw.get("data_processed", "").strip(),
            }
        )
    return plan


def plan_import(raw_rows: list[dict]) -> ImportPlan:
    plan = normalise(raw_rows)
    if plan.errors:
        return plan
    current = {s.name: s for s in SubProcessor.objects.exclude(status=SubProcessorStatus.REMOVED)}
    incoming = {row["name"]: row for row in plan.rows}
    for name, row in incoming.items():
        existing = current.get(name)
        if existing is None:
            plan.added.append(row)
            continue
        changes = [
            (f, str(getattr(existing, f) or ""), str(row[f]))
            for f in FIELDS
            if str(getattr(existing, f) or "") != str(row[f])
        ]
        if changes:
            plan.changed.append((name, changes))
    plan.removed = sorted(set(current) - set(incoming))
    return plan


def apply_import(raw_rows: list[dict], *, user) -> ImportPlan:
    """Apply the whole list or nothing; removed rows are marked removed, never deleted."""
    plan = plan_import(raw_rows)
    if plan.errors:
        return plan
    with transaction.atomic():
        for row in plan.added:
            existing = SubProcessor.objects.filter(name=row["name"]).first()  # a removed one comes back
            sub = existing or SubProcessor(name=row["name"])
            for key, value in row.items():
                setattr(sub, key, value)
            sub.status = SubProcessorStatus.PROPOSED  # new on the list: awaiting a decision (Art. 28(2))
            sub._change_reason = "Imported"
            sub.save()
            # The vendor's list names a new sub-processor: that is its Art. 28(2) notice, and the objection
            # window runs from today, as for a notice recorded by hand.
            notice = SubProcessorNotice(
                change=NoticeChange.ADDED,
                name=sub.name,
                subprocessor=sub,
                received_on=timezone.localdate(),
                details=_("Added by the import of the vendor's sub-processor list."),
            )
            notice._change_reason = "Imported"
            notice.save()
        for name, changes in plan.changed:
            sub = SubProcessor.objects.get(name=name)
            for key, _old, new in changes:
                setattr(sub, key, new)
            sub._change_reason = "Imported"
            sub.save()
        for name in plan.removed:
            sub = SubProcessor.objects.get(name=name)
            sub.status = SubProcessorStatus.REMOVED
            sub._change_reason = "Not in the imported list"
            sub.save()
    return plan
