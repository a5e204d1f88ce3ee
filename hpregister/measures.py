"""Measures across the registers: one overview of every open and overdue measure (incidents, risks, gaps),
the effect check that follows a done measure, and its reminders and tasks.

The kernel knows the measures only as subclasses of ``Measure`` (``measure_models()``): each app's measure
names its parent (``parent_field``), and the app routes ``<model>_effect`` to ``effect_view(model)``. No
app is imported here.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from types import SimpleNamespace

import django_tables2 as tables
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import Access
from .choices import MeasureStatus
from .exportjobs import export_response
from .filters import visible_organisations
from .forms import StyledFormMixin, add_errors
from .inbox import horizon_day, may_edit, queryset_source, responsible
from .models import Measure, SavedFilter
from .registry import Task, TaskSource, task_sources
from .reminders import DeadlineKind, Due, horizon_date, register
from .tables import BaseTable

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@cache
def measure_models() -> tuple[type[Measure], ...]:
    """Every concrete measure model of the installed apps, in a stable order."""
    found = [m for m in apps.get_models() if issubclass(m, Measure) and not m._meta.abstract]
    return tuple(sorted(found, key=lambda m: m._meta.label))


def kind_key(model) -> str:
    return model._meta.label_lower.replace(".", "-")


def parent_model(model):
    return model._meta.get_field(model.parent_field).related_model


def organisations_of(obj) -> list:
    """The organisations ``obj`` belongs to, read through its ``organisation_path`` (prefetch that path)."""
    if obj.organisation_path is None:
        return []
    values = [obj]
    for name in obj.organisation_path.split("__"):
        nxt = []
        for value in values:
            related = getattr(value, name)
            if related is None:
                continue
            nxt.extend(related.all() if hasattr(related, "all") else [related])
        values = nxt
    return values


def _names(organisations) -> str:
    return ", ".join(sorted({o.name for o in organisations}))


def may_check(user, measure) -> bool:
    """The measure's accountable owner, or whoever may edit what it follows up."""
    return measure.owner_id == user.pk or Access.for_user(user).can_edit(measure.parent)


# --- the effect check ------------------------------------------------------------------------------


class EffectCheckForm(StyledFormMixin, forms.Form):
    worked = forms.TypedChoiceField(
        label=gettext_lazy("Did the measure work?"),
        choices=[("yes", gettext_lazy("Yes, it worked")), ("no", gettext_lazy("No, it did not work"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    checked_on = forms.DateField(label=gettext_lazy("Checked on"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("What was checked, and what was found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when it did not work."),
    )
    new_due_on = forms.DateField(
        label=gettext_lazy("New due date"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("When it did not work: the measure opens again, due on this date."),
    )


def effect_view(model):
    """The effect-check page of ``model``'s measures: ``<parent_pk>/measures/<pk>/effect/``."""

    def view(request, parent_pk, pk):
        parent = get_object_or_404(parent_model(model).objects.visible_to(request.user), pk=parent_pk)
        measure = get_object_or_404(model.objects.filter(**{model.parent_field: parent}), pk=pk)
        if not may_check(request.user, measure):
            raise PermissionDenied
        if measure.status != MeasureStatus.DONE:
            messages.info(request, _("The effect is checked once the measure is done."))
            return redirect(measure.get_absolute_url())
        form = EffectCheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                measure.check_effect(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if form.cleaned_data["worked"]:
                    messages.success(request, _("Recorded: the measure worked."))
                else:
                    messages.warning(request, _("Recorded: the measure did not work. It is open again."))
                return redirect(measure.get_absolute_url())
        return render(
            request,
            "generic/object_edit.html",
            {
                "form": form,
                "title": _("Check the effect: %(measure)s") % {"measure": measure},
                "cancel_url": measure.get_absolute_url(),
            },
        )

    view.__name__ = f"{model._meta.model_name}_effect"
    return view


def effect_url(measure) -> str:
    meta = measure._meta
    return reverse(
        f"{meta.app_label}:{meta.model_name}_effect", args=[getattr(measure, f"{measure.parent_field}_id"), measure.pk]
    )


def effect_due(model):
    def due(horizon):
        measures = (
            model.objects.filter(status=MeasureStatus.DONE, effect_check_due__lte=horizon_date(horizon))
            .select_related("owner", model.parent_field)
            .prefetch_related(model.organisation_path)
            .order_by("effect_check_due", "pk")
        )
        for measure in measures:
            yield Due(
                obj=measure,
                deadline=measure.effect_deadline,
                title=measure.reminder_title(),
                organisation_ids={o.pk for o in organisations_of(measure)},
                owner=measure.owner,
                all_day=True,
            )

    return due


def effect_current(measure):
    return measure.effect_deadline if measure.status == MeasureStatus.DONE else None


def effect_source(model, name, label, order) -> TaskSource:
    """The "My tasks" rows of ``model``'s effect checks that are the user's."""

    def mine(user, horizon):
        measures = model.objects.filter(status=MeasureStatus.DONE, effect_check_due__isnull=False).filter(
            responsible(model, user, model.organisation_path)
        )
        if horizon is not None:
            measures = measures.filter(effect_check_due__lte=horizon_day(horizon))
        return (
            measures.select_related(model.parent_field)
            .prefetch_related(model.organisation_path)
            .order_by("effect_check_due", "pk")
        )

    def task(user, measure) -> Task:
        organisations = organisations_of(measure)
        checkable = measure.owner_id == user.pk or may_edit(user, [o.pk for o in organisations])
        return Task(
            deadline=measure.effect_deadline,
            all_day=True,
            title=f"{measure.reminder_title()}: {measure.description[:120]}",
            url=measure.get_absolute_url(),
            act_url=effect_url(measure) if checkable else None,
            action=_("Check whether the measure worked"),
            organisations=_names(organisations),
        )

    return queryset_source(name, label, mine, task, order)


def register_effect_checks() -> None:
    """A reminder kind and a "My tasks" source per measure model, for its effect checks."""
    for order, model in enumerate(measure_models(), start=60):
        name = f"{model._meta.label_lower}.effect"
        label = format_lazy("{}: {}", gettext_lazy("Effect check"), model._meta.verbose_name)
        register(
            DeadlineKind(
                name=name,
                label=label,
                model=model,
                due=effect_due(model),
                current=effect_current,
                action=gettext_lazy(
                    "Check whether the measure worked and record it. If it did not, it opens again with a new due date."
                ),
                thresholds="-7d, 0",
                repeat_overdue_days=7,
                escalate_after_days=30,
            )
        )
        task_sources.register(effect_source(model, name, label, order))


def register_measure_events() -> None:
    """Webhooks: any register's measure still open when its due date has ended (not its effect check). A
    measure's deadline is 08:00 on the due date: overdue is 16 hours later, at midnight."""
    import datetime as dt

    from .events import EventKind, event_kinds

    def is_measure_deadline(kind) -> bool:
        return issubclass(kind.model, Measure) and not kind.name.endswith(".effect")

    event_kinds.register(
        EventKind(
            "measure.overdue",
            gettext_lazy("Measure overdue"),
            order=50,
            deadlines=is_measure_deadline,
            lead=-dt.timedelta(hours=16),
        )
    )


# --- the overview ----------------------------------------------------------------------------------


STATES = [
    ("open", gettext_lazy("Open")),
    ("overdue", gettext_lazy("Overdue")),
    ("effect", gettext_lazy("Effect check waiting")),
    ("ineffective", gettext_lazy("Did not work")),
    ("all", gettext_lazy("All")),
]


class MeasureFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=STATES, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Register"), required=False)
    organisation = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=None, required=False)
    owner = forms.ModelChoiceField(label=gettext_lazy("Accountable for closing"), queryset=None, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = visible_organisations(request)
        self.fields["organisation"].queryset = organisations
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__organisation__in=organisations)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["kind"].choices = [("", "---------")] + [
            (kind_key(m), str(m._meta.verbose_name_plural).capitalize()) for m in measure_models()
        ]


def _state_filter(state: str, today: dt.date) -> Q:
    if state == "overdue":
        return Q(status__in=Measure.OPEN_STATUSES, due_on__lt=today)
    if state == "effect":
        return Q(status=MeasureStatus.DONE, effect_check_due__isnull=False)
    if state == "ineffective":
        return Q(effective=False)
    if state == "all":
        return Q()
    return Q(status__in=Measure.OPEN_STATUSES)


def overview_rows(user, data: dict):
    """Every visible measure matching ``data`` as one union of the measure tables: a page costs one query
    and its count another, whatever the number of registers or rows."""
    today = timezone.localdate()
    parts = []
    for model in measure_models():
        if data.get("kind") and data["kind"] != kind_key(model):
            continue
        queryset = model.objects.visible_to(user).filter(_state_filter(data.get("state") or "open", today))
        if data.get("organisation"):
            path = model.organisation_path
            queryset = queryset.filter(pk__in=model._base_manager.filter(**{path: data["organisation"]}).values("pk"))
        if data.get("owner"):
            queryset = queryset.filter(owner=data["owner"])
        if data.get("q"):
            queryset = queryset.filter(description__icontains=data["q"])
        parent = model.parent_field
        parts.append(
            queryset.order_by().values(
                row_id=F("pk"),
                kind=Value(kind_key(model), output_field=CharField()),
                description_text=F("description"),
                parent_id=F(parent),
                parent_title=F(f"{parent}__{model.parent_title_field}"),
                owner_name=Coalesce(
                    NullIf(Trim(Concat("owner__first_name", Value(" "), "owner__last_name")), Value("")),
                    "owner__username",
                    output_field=CharField(),
                ),
                due=F("due_on"),
                state=F("status"),
                effect_due=F("effect_check_due"),
                worked=F("effective"),
            )
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("due", "kind", "row_id")


class MeasureOverviewTable(BaseTable):
    description_text = tables.Column(verbose_name=gettext_lazy("Measure"))
    kind = tables.Column(verbose_name=gettext_lazy("Register"))
    parent_title = tables.Column(verbose_name=gettext_lazy("Follows up"))
    owner_name = tables.Column(verbose_name=gettext_lazy("Accountable for closing"), default="–")
    due = tables.DateColumn(verbose_name=gettext_lazy("Due"), default="–")
    state = tables.Column(verbose_name=gettext_lazy("Status"))
    effect_due = tables.Column(verbose_name=gettext_lazy("Effect"), empty_values=())

    class Meta(BaseTable.Meta):
        order_by = ("due",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.kinds = {
            kind_key(m): (
                str(m._meta.verbose_name).capitalize(),
                f"{parent_model(m)._meta.app_label}:{parent_model(m)._meta.model_name}_detail",
            )
            for m in measure_models()
        }
        self.statuses = dict(MeasureStatus.choices)

    def url(self, record) -> str:
        return reverse(self.kinds[record["kind"]][1], args=[record["parent_id"]])

    def render_description_text(self, record, value):
        return format_html('<a class="ds-link" href="{}">{}</a>', self.url(record), value[:200])

    def value_description_text(self, record):
        return record["description_text"]

    def render_kind(self, value):
        return self.kinds[value][0]

    def value_kind(self, record):
        return self.kinds[record["kind"]][0]

    def render_due(self, record, value):
        if value is None:
            return "–"
        text = value.strftime("%d.%m.%Y")
        if record["state"] in Measure.OPEN_STATUSES and value < self.today:
            return format_html('{} <span class="hp-badge-overdue">{}</span>', text, _("overdue"))
        return text

    def value_due(self, record):
        return record["due"]

    def render_state(self, value):
        return self.statuses.get(value, value)

    def value_state(self, record):
        return self.statuses.get(record["state"], record["state"])

    def value_effect_due(self, record):
        return self.render_effect_due(record, record["effect_due"])

    def render_effect_due(self, record, value):
        if record["worked"] is True:
            return _("Worked")
        if record["worked"] is False:
            return _("Did not work")
        if value:
            return _("Check due %(date)s") % {"date": value.strftime("%d.%m.%Y")}
        return "–"


def overview(request):
    """All measures the user can see, open ones first by due date: per owner, organisation and register."""
    form = MeasureFilterForm(request.GET or None, request=request)
    data = form.cleaned_data if form.is_valid() else {}
    rows = overview_rows(request.user, data)
    table = MeasureOverviewTable(rows, order_by=request.GET.get("sort") or "due")
    export = request.GET.get("_export")
    if export in ("csv", "xlsx"):
        return export_response(
            request,
            table,
            export_format=export,
            filename=f"measures.{export}",
            title=_("Measures"),
            delimiter="," if request.GET.get("delimiter") == "comma" else ";",
        )
    try:
        per_page = max(1, min(int(request.GET.get("per_page", settings.LIST_PAGE_SIZE)), settings.LIST_MAX_PAGE_SIZE))
    except ValueError:
        per_page = settings.LIST_PAGE_SIZE
    tables.RequestConfig(request, paginate=False).configure(table)
    table.paginate(per_page=per_page, page=1)
    table.page = table.paginator.get_page(request.GET.get("page"))  # nonsense: the first; past the end: the last
    name = "measure_list"
    return render(
        request,
        "generic/object_list.html",
        {
            "title": _("Measures in every register"),
            "table": table,
            "filter": SimpleNamespace(form=form),
            "export_formats": ("csv", "xlsx"),
            "list_name": name,
            "saved_filters": SavedFilter.objects.filter(user=request.user, list_name=name),
            "query": request.GET.urlencode(),
        },
    )
