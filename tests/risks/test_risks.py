import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hpregister.models import Organisation
from risks.choices import Dimension, Treatment
from risks.models import (
    LevelBand,
    MatrixCell,
    PeriodEntry,
    ReportingPeriod,
    Risk,
    RiskAcceptance,
    RiskScale,
    ScaleStep,
    accept_risk,
    prepare_next_period,
)
from tests.factories import oslo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        yield


def step(dimension, label):
    return ScaleStep.objects.get(scale__is_active=True, dimension=dimension, label=label)


def risk_named(start):
    return Risk.objects.get(title__startswith=start)


RHF = "Helse Midt-Norge RHF"


# --- scales and matrix -----------------------------------------------------------------------------


def test_scales_are_ordered_data_with_a_level_for_every_combination():
    scale = RiskScale.active()
    labels = list(
        ScaleStep.objects.filter(scale=scale, dimension=Dimension.PROBABILITY).values_list("label", flat=True)
    )
    assert labels == ["Lav", "Moderat", "Høy", "Svært høy"]
    consequences = ScaleStep.objects.filter(scale=scale, dimension=Dimension.CONSEQUENCE).values_list(
        "label", flat=True
    )
    assert list(consequences)[1:] == ["Moderat", "Alvorlig", "Svært alvorlig"]  # one step below Moderat
    assert len(scale.matrix()) == 16


@pytest.mark.parametrize(
    ("title", "level"),
    [("Manglende økonomisk", "Høy"), ("Avhengighet av amerikanske", "Lav"), ("Lange ventetider", "Middels")],
)
def test_each_risk_gets_the_level_its_matrix_cell_gives(title, level):
    assert risk_named(title).level().label == level


def test_the_matrix_is_data_an_administrator_changes_without_code():
    risk = risk_named("Avhengighet av amerikanske")
    red = LevelBand.objects.get(scale__is_active=True, label="Høy")
    MatrixCell.objects.filter(probability=risk.residual_probability, consequence=risk.residual_consequence).update(
        level=red
    )
    assert risk.level() == red


def test_the_active_matrix_is_the_active_scales_in_one_query(django_assert_num_queries):
    """Every risk list and API page reads it: one query, not the scale and then its cells."""
    scale = RiskScale.active()
    with django_assert_num_queries(1):
        matrix = RiskScale.active_matrix()
    assert matrix == scale.matrix() and len(matrix) == 16
    scale.is_active = False
    scale.save()
    other = RiskScale.objects.create(name="5 x 5", version=2, is_active=True)
    assert RiskScale.active_matrix() == other.matrix() == {}  # not the old scale's cells


def test_a_new_scale_version_keeps_old_assessments_readable():
    risk = risk_named("Lange ventetider")
    old = RiskScale.active()
    old.is_active = False
    old.save()
    new = RiskScale.objects.create(name="5 x 5", version=2, is_active=True)
    ScaleStep.objects.create(scale=new, dimension=Dimension.PROBABILITY, value=1, label="Svært lav")
    risk.refresh_from_db()
    assert (risk.residual_probability.label, risk.residual_consequence.label) == ("Moderat", "Alvorlig")
    assert risk.level().label == "Middels"


def test_probability_without_consequence_is_refused():
    risk = Risk(
        title="X",
        organisation=Organisation.objects.get(name=RHF),
        residual_probability=step(Dimension.PROBABILITY, "Høy"),
    )
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "residual_consequence" in exc.value.message_dict


def test_a_treatment_needs_a_justification():
    risk = risk_named("Lange ventetider")
    risk.treatment = Treatment.AVOID
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "treatment_justification" in exc.value.message_dict


# --- acceptance ------------------------------------------------------------------------------------


def test_a_red_residual_risk_cannot_be_accepted_by_a_privacy_officer(alice):
    red = risk_named("Manglende økonomisk")
    with pytest.raises(ValidationError, match="manager|leder"):
        accept_risk(risk=red, user=alice, valid_until=dt.date(2027, 6, 30), justification="Budget plan.")
    assert not RiskAcceptance.objects.exists()


def test_a_manager_accepts_a_red_risk_and_the_state_is_recorded(mona):
    red = risk_named("Manglende økonomisk")
    acceptance = accept_risk(risk=red, user=mona, valid_until=dt.date(2027, 6, 30), justification="Budget plan.")
    red.refresh_from_db()
    assert (acceptance.accepted_by, acceptance.valid_until) == (mona, dt.date(2027, 6, 30))
    assert (acceptance.probability.label, acceptance.consequence.label, acceptance.level.label) == (
        "Svært høy",
        "Alvorlig",
        "Høy",
    )
    assert red.treatment == Treatment.ACCEPT and red.current_acceptance() == acceptance
    red.residual_probability = step(Dimension.PROBABILITY, "Lav")  # later change: the accepted state stays
    red.save()
    acceptance.refresh_from_db()
    assert acceptance.probability.label == "Svært høy"


def test_a_privacy_officer_accepts_a_green_risk(alice):
    green = risk_named("Avhengighet av amerikanske")
    accept_risk(risk=green, user=alice, valid_until=dt.date(2027, 1, 1), justification="Exit study under way.")
    assert green.acceptances.count() == 1


def test_someone_from_another_organisation_cannot_accept(bob):
    with pytest.raises(ValidationError):
        accept_risk(risk=risk_named("Lange ventetider"), user=bob, valid_until=dt.date(2027, 1, 1), justification="x")


def test_acceptance_through_the_page_shows_the_rule_next_to_the_form(login, alice, mona):
    red = risk_named("Manglende økonomisk")
    url = reverse("risks:risk_accept", args=[red.pk])
    response = login(alice).post(url, {"valid_until": "2027-06-30", "justification": "Plan"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert login(mona).post(url, {"valid_until": "2027-06-30", "justification": "Plan"}).status_code == 302


# --- the top-10 list over time ---------------------------------------------------------------------


def test_movement_is_derived_never_typed():
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    moves = {e.rank: (e.previous_rank, e.movement) for e in current.ranked_entries()}
    assert moves[1] == (1, "same") and moves[8] == (9, "up")
    assert moves[9] == (None, "new") and moves[10] == (None, "new")


def test_a_risk_back_on_the_list_is_a_reentry_and_one_that_drops_is_down(alice):
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    third = prepare_next_period(
        previous=current, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    third.entries.filter(rank=10).delete()  # drafts can change
    entry = third.entries.get(rank=2)
    entry.rank = 11
    entry.save()
    third.approve(user=alice)
    fourth = prepare_next_period(
        previous=third, name="1. tertial 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 4, 30)
    )
    dropped = PeriodEntry.objects.get(period=current, rank=10).risk
    PeriodEntry.objects.create(period=fourth, risk=dropped, rank=12)
    moves = {e.risk_id: e.movement for e in fourth.ranked_entries()}
    assert moves[dropped.pk] == "reentry"
    moves_third = {e.rank: e.movement for e in third.ranked_entries()}
    assert moves_third[11] == "down"


def test_preparing_the_next_period_starts_from_the_previous_list_with_todays_assessment():
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    risk = risk_named("Lange ventetider")
    risk.residual_probability = step(Dimension.PROBABILITY, "Høy")
    risk.save()
    draft = prepare_next_period(
        previous=current, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    assert draft.entries.count() == 10 and not draft.is_approved
    assert draft.entries.get(risk=risk).residual_probability.label == "Høy"
    # ... and the approved period still shows what it approved
    assert current.entries.get(risk=risk).residual_probability.label == "Moderat"


def test_an_approved_period_is_frozen(alice, mona):
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    entry = current.entries.get(rank=1)
    entry.rank = 11
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        PeriodEntry.objects.create(period=current, risk=risk_named("Lange ventetider"), rank=12)
    assert current.entries.get(rank=1)


def test_only_a_manager_approves_and_it_records_who_and_when(login, alice, mona):
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    draft = prepare_next_period(
        previous=current, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    assert login(alice).post(reverse("risks:period_approve", args=[draft.pk])).status_code == 403
    login(mona).post(reverse("risks:period_approve", args=[draft.pk]), {"confirm": "yes"})
    draft.refresh_from_db()
    assert (draft.approved_by, draft.approved_at) == (mona, oslo(2026, 11, 22, 12, 0))


def test_a_privacy_officer_edits_the_draft_list_with_a_reason(login, alice):
    current = ReportingPeriod.objects.get(name="2. tertial 2025")
    draft = prepare_next_period(
        previous=current, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    entry = draft.entries.get(rank=5)
    url = reverse("risks:periodentry_edit", args=[draft.pk, entry.pk])
    taken = login(alice).post(url, {"rank": 1, "risk": entry.risk_id, "change_reason": "x"})
    assert "rank" in taken.context["form"].errors
    entry1 = draft.entries.get(rank=1)
    entry1.rank = 50
    entry1.save()
    response = login(alice).post(url, {"rank": 1, "risk": entry.risk_id, "change_reason": "Sick leave doubled."})
    assert response.status_code == 302
    assert {e.risk_id: e.movement for e in draft.ranked_entries()}[entry.risk_id] == "up"


# --- pages -----------------------------------------------------------------------------------------


def test_top10_page_has_a_fixed_query_count_and_shows_movement_level_and_measures(login, mona):
    client = login(mona)
    client.get(reverse("risks:top10"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risks:top10"))
    before = len(ctx)
    assert before <= 16
    # A list three times as long, chosen by ?period=, costs the same number of queries.
    draft = prepare_next_period(
        previous=ReportingPeriod.objects.get(name="2. tertial 2025"),
        name="long",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    rhf = Organisation.objects.get(name=RHF)
    for n in range(20):
        PeriodEntry.objects.create(
            period=draft, risk=Risk.objects.create(title=f"Extra {n}", organisation=rhf), rank=11 + n
        )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risks:top10"), {"period": draft.pk})
    assert len(response.context["entries"]) == 30 and len(ctx) == before
    entries = response.context["entries"]
    risk6 = next(e for e in entries if e.rank == 6)
    assert risk6.level.label == "Lav" and risk6.measure_counts["open"] == 2
    assert "Ny" in response.content.decode() or "New" in response.content.decode()


def test_top10_of_a_chosen_period(login, mona):
    previous = ReportingPeriod.objects.get(name="1. tertial 2025")
    response = login(mona).get(reverse("risks:top10"), {"period": previous.pk})
    assert [e.rank for e in response.context["entries"]] == [1, 2, 3, 4, 5, 6, 7, 9]


def test_heatmap_counts_risks_per_cell_and_links_to_the_list(login, mona, bob):
    response = login(mona).get(reverse("risks:heatmap"))
    cells = {
        (r["probability"].label, c["consequence"].label): c["count"]
        for r in response.context["rows"]
        for c in r["cells"]
    }
    assert cells[("Moderat", "Moderat")] == 2 and cells[("Lav", "Moderat")] == 2
    assert sum(cells.values()) == 10
    link = response.content.decode().split('class="hp-heat__link" href="')[1].split('"')[0]
    listed = login(mona).get(link.replace("&amp;", "&")).context["table"].paginator.count
    assert listed >= 1
    assert sum(c["count"] for r in login(bob).get(reverse("risks:heatmap")).context["rows"] for c in r["cells"]) == 0


def test_risk_filters(login, mona):
    client = login(mona)
    red = LevelBand.objects.get(label="Høy", scale__is_active=True)
    titles = {
        r.record.title
        for r in client.get(reverse("risks:risk_list"), {"level": red.pk}).context["table"].page.object_list
    }
    assert titles == {"Manglende økonomisk bærekraft i foretaksgruppen", "Mangel på personell med nødvendig kompetanse"}
    assert client.get(reverse("risks:risk_list"), {"top10": "yes"}).context["table"].paginator.count == 10
    risk = risk_named("Lange ventetider")
    risk.next_review = dt.date(2026, 1, 1)
    risk.save()
    assert client.get(reverse("risks:risk_list"), {"review_overdue": "yes"}).context["table"].paginator.count == 1
    m = risk_named("Avhengighet").measures.first()
    m.due_on = dt.date(2026, 1, 1)
    m.save()
    assert client.get(reverse("risks:risk_list"), {"measures_overdue": "yes"}).context["table"].paginator.count == 1


def test_risk_page_has_a_rank_history_chart(login, mona):
    risk = risk_named("Svikt i leveranse")
    response = login(mona).get(risk.get_absolute_url())
    assert [p["rank"] for p in response.context["chart"]["points"]] == [9, 8]
    assert "<svg" in response.content.decode()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_rank_chart_draws_in_both_languages(login, mona, language):
    from tests.factories import svg_problems

    client = login(mona)
    client.cookies["django_language"] = language
    html = client.get(risk_named("Svikt i leveranse").get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    charts, shapes, bad = svg_problems(html.content.decode())
    assert charts == 1 and shapes >= 2
    assert bad == []


def test_the_dashboard_shows_top10_overdue_reviews_and_linked_incidents(login, mona):
    from tests.factories import make_incident

    incident = make_incident()
    incident.risks.add(risk_named("Lange ventetider"))
    risk = risk_named("Lange ventetider")
    risk.next_review = dt.date(2026, 1, 1)
    risk.save()
    groups = login(mona).get(reverse("dashboard")).context["panel_groups"]
    panels = {item["name"]: item["context"] for group in groups for item in group["panels"]}
    assert len(panels["risks.top10"]["top10"]) == 10 and list(panels["incidents.linked"]["linked_incidents"]) == [
        incident
    ]
    assert list(panels["risks.reviews"]["reviews_overdue"]) == [risk]


def test_the_risk_list_reads_only_what_its_cells_show_in_a_fixed_number_of_queries(login, mona):
    """RiskTable.row_fields: the page's row query reads the cells' fields and the assessment's labels, not
    each risk's texts; a fully assessed risk (its labels, level, review date) costs no query of its own."""
    client = login(mona)
    rhf = Organisation.objects.get(name=RHF)
    client.get(reverse("risks:risk_list"))  # warm caches

    def page():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("risks:risk_list"), {"per_page": 100, "sort": "title"})
        return response, ctx

    _, before = page()
    for n in range(12):
        Risk.objects.create(
            title=f"Aaa assessed {n:02}",
            description="long text " * 50,
            organisation=rhf,
            residual_probability=step(Dimension.PROBABILITY, "Høy"),
            residual_consequence=step(Dimension.CONSEQUENCE, "Alvorlig"),
            next_review=dt.date(2026, 1, 1),
        )
    response, after = page()
    assert len(after) == len(before)
    [rows] = [q["sql"] for q in after if '"risks_risk"."title", ' in q["sql"]]  # not the keys' ORDER BY
    assert '"description"' not in rows and '"treatment_justification"' not in rows
    html = response.content.decode()
    assert html.count("Aaa assessed") == 12 and "Høy" in html and "Alvorlig" in html
    assert html.count("01.01.2026") >= 12


def test_the_risk_filters_read_every_scale_step_in_one_query(login, mona):
    """The residual probability and consequence selects share one query of the steps (two before); each
    still offers its own dimension's steps, every scale's, newest scale first, and filters by them."""
    client = login(mona)
    high = step(Dimension.PROBABILITY, "Høy")
    old = RiskScale.active()
    old.is_active = False
    old.save()
    new = RiskScale.objects.create(name="5 x 5", version=2, is_active=True)
    ScaleStep.objects.create(scale=new, dimension=Dimension.CONSEQUENCE, value=1, label="Ubetydelig")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risks:risk_list"))
    steps = [q["sql"] for q in ctx if 'FROM "risks_scalestep"' in q["sql"]]
    assert len(steps) == 1, steps
    form = response.context["filter"].form
    dimensions = {"residual_probability": Dimension.PROBABILITY, "residual_consequence": Dimension.CONSEQUENCE}
    for name, dimension in dimensions.items():
        expected = ScaleStep.objects.filter(dimension=dimension).order_by("-scale__version", "value")
        assert [label for value, label in form.fields[name].choices if value] == [s.label for s in expected]
        for value, label in form.fields[name].choices:
            if value:
                assert f'<option value="{value}">{label}</option>' in response.content.decode()
    listed = client.get(reverse("risks:risk_list"), {"residual_probability": high.pk, "per_page": 100})
    titles = {row.record.title for row in listed.context["table"].page.object_list}
    assert titles == set(Risk.objects.filter(residual_probability=high).values_list("title", flat=True)) != set()
    refused = client.get(reverse("risks:risk_list"), {"residual_consequence": high.pk})  # not a consequence
    assert refused.status_code == 200 and "residual_consequence" in refused.context["filter"].form.errors


def test_the_risk_list_reads_the_level_options_from_its_matrix(login, mona):
    """The level select offers the active matrix's levels by rank, from the matrix the list reads for its
    level column (no query of its own); a level is still validated on its own, and a level of an old scale
    is refused."""
    client = login(mona)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risks:risk_list"))
    assert not [q["sql"] for q in ctx if q["sql"].startswith('SELECT "risks_levelband"')]
    assert len([q for q in ctx if 'FROM "risks_matrixcell"' in q["sql"]]) == 1
    offered = [(str(value), label) for value, label in response.context["filter"].form.fields["level"].choices if value]
    bands = sorted({cell.level for cell in MatrixCell.objects.filter(scale__is_active=True)}, key=lambda b: b.rank)
    assert offered == [(str(band.pk), band.label) for band in bands] and len(bands) >= 3
    html = response.content.decode()
    assert all(f'<option value="{value}">{label}</option>' in html for value, label in offered)
    red = LevelBand.objects.get(label="Høy", scale__is_active=True)
    assert client.get(reverse("risks:risk_list"), {"level": red.pk}).context["table"].paginator.count == 2
    old = RiskScale.active()
    old.is_active = False
    old.save()
    RiskScale.objects.create(name="5 x 5", version=2, is_active=True)
    refused = client.get(reverse("risks:risk_list"), {"level": red.pk})
    assert refused.status_code == 200 and "level" in refused.context["filter"].form.errors
