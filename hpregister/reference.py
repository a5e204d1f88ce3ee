"""Loading the reference data the project carries in ``reference/`` (see reference/SOURCES.md).

Each row is loaded once: ``ReferenceLoad`` remembers (dataset, key), so a second run creates nothing
and never touches a record that a user has since edited, renamed or retired.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .models import Organisation, ReferenceLoad

REFERENCE_DIR = settings.BASE_DIR / "reference"
CHANGE_REASON = "Loaded from reference data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, dataset: str, created: bool) -> None:
        self.created.setdefault(dataset, 0)
        if created:
            self.created[dataset] += 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def load_once(report: LoadReport, dataset: str, key: str, model, values: dict):
    """Create ``model(**values)`` unless (dataset, key) was loaded before; return the object either way.

    Returns None when the row was loaded before and its object has since been removed by an administrator.
    """
    record = ReferenceLoad.objects.filter(dataset=dataset, key=key).first()
    if record is not None:
        report.add(dataset, False)
        return model._base_manager.filter(pk=record.object_id).first()
    m2m = {k: values.pop(k) for k in list(values) if model._meta.get_field(k).many_to_many}
    obj = model(**values)
    obj._change_reason = CHANGE_REASON
    # Field and uniqueness checks only: cross-field rules (e.g. a missing transfer impact assessment date)
    # describe findings in the source, which the register shows rather than refuses.
    obj.clean_fields()
    obj.validate_unique()
    obj.save()
    for name, related in m2m.items():
        getattr(obj, name).set(related)
    ReferenceLoad.objects.create(
        dataset=dataset, key=key, content_type=ContentType.objects.get_for_model(model), object_id=obj.pk
    )
    report.add(dataset, True)
    return obj


def load_organisations(report: LoadReport) -> None:
    for row in read_csv("organisations.csv"):
        load_once(
            report,
            "organisations",
            row["name"],
            Organisation,
            {
                "name": row["name"],
                "kind": row["kind"],
                "shares": int(row["shares"]) if row["shares"] else None,
                "ownership_percent": row["ownership_percent"] or None,
                "role_in_register": row["role_in_register"],
                "is_operator": row["kind"] == "company",
            },
        )


def operator() -> Organisation:
    return Organisation.objects.filter(is_operator=True).order_by("pk").first()


def organisation_named(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def reference_files() -> list[Path]:
    return sorted(REFERENCE_DIR.glob("*.csv"))
