from io import StringIO

import pytest
from django.core.management import call_command

from compliance.choices import GapKind, GapStatus, Holder, TransferBasis
from compliance.models import Gap, Instrument, Obligation, SubProcessor
from hpregister.models import Organisation
from incidents.models import BreachCount
from risks.models import PeriodEntry, ReportingPeriod, Risk, RiskMeasure

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("loadreference", stdout=out)
    return out.getvalue()


def test_reference_counts_match_the_source_files():
    assert Organisation.objects.count() == 39
    assert Organisation.objects.filter(kind="municipality").count() == 33
    assert sum(Organisation.objects.values_list("shares", flat=True).exclude(shares=None)) == 10_000
    assert list(Organisation.objects.filter(is_operator=True).values_list("name", flat=True)) == ["Helseplattformen AS"]
    assert Instrument.objects.get().reference == "20/2985-9"
    assert Obligation.objects.count() == 13
    assert Obligation.objects.filter(holder=Holder.EACH_ORGANISATION).count() == 2
    assert Obligation.objects.filter(holder=Holder.SHARED).count() == 1
    assert Gap.objects.filter(kind=GapKind.ARCHIVE).count() == 6
    assert Gap.objects.filter(kind=GapKind.HELSENORGE).count() == 3
    assert Gap.objects.filter(kind=GapKind.FINDING).count() == 9
    assert Gap.objects.get(code="F-8").status == GapStatus.CLOSED
    assert SubProcessor.objects.count() == 13
    assert SubProcessor.objects.filter(country="US").count() == 5
    assert SubProcessor.objects.get(name="Epic Bristol Limited").transfer_basis == TransferBasis.ADEQUACY
    assert BreachCount.objects.count() == 8
    assert sum(BreachCount.objects.filter(year=2024).values_list("count", flat=True)) == 44 + 24 + 19


def test_top10_of_second_tertial_2025_is_loaded_with_previous_ranks_as_a_period():
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    previous = ReportingPeriod.objects.get(name="1. tertial 2025")
    assert current.previous() == previous
    ranks = list(current.entries.order_by("rank").values_list("rank", "risk__title"))
    assert len(ranks) == 10
    assert ranks[0] == (1, "Manglende økonomisk bærekraft i foretaksgruppen")
    entry8 = current.entries.get(rank=8)
    assert entry8.residual_probability.label == "Moderat"
    # "8 was 9": the previous rank comes from the previous period, not a typed field.
    assert previous.entries.get(risk=entry8.risk).rank == 9
    new_risks = [e.risk for e in current.entries.filter(rank__in=[9, 10])]
    assert not PeriodEntry.objects.filter(period=previous, risk__in=new_risks).exists()
    risk6 = Risk.objects.get(title="Avhengighet av amerikanske skytjenester og leverandører")
    assert "styresak 93/2025" in risk6.description
    assert RiskMeasure.objects.filter(risk=risk6).count() == 2


def test_second_load_creates_nothing():
    before = {
        m: m.objects.count() for m in (Organisation, Obligation, Gap, SubProcessor, Risk, PeriodEntry, BreachCount)
    }
    output = load()
    assert "0 new rows" in output
    assert {m: m.objects.count() for m in before} == before


def test_user_edits_survive_a_reload():
    gap = Gap.objects.get(code="ARK-1")
    gap.title = "Renamed by a privacy officer"
    gap.code = "ARK-1-renamed"
    gap.status = GapStatus.IN_PROGRESS
    gap.save()
    melhus = Organisation.objects.get(name="Melhus")
    melhus.role_in_register = "Edited"
    melhus.save()
    Risk.objects.filter(title__startswith="Lange ventetider").update(title="Ventetider")

    load()

    gap.refresh_from_db()
    assert (gap.code, gap.title, gap.status) == ("ARK-1-renamed", "Renamed by a privacy officer", GapStatus.IN_PROGRESS)
    assert not Gap.objects.filter(code="ARK-1").exists()
    assert Organisation.objects.get(name="Melhus").role_in_register == "Edited"
    assert not Risk.objects.filter(title="Lange ventetider").exists()


def test_loaded_rows_have_a_history_entry_saying_where_they_came_from():
    record = Gap.objects.get(code="ARK-2").history.earliest()
    assert record.history_type == "+"
    assert record.history_change_reason == "Loaded from reference data"
