"""Every change of every field type, on every model that keeps history, renders on the object's page.

One parametrised test over all history models: it changes each editable field of a real object (a choice to
another choice, a text to a longer one with a line break, a number, a date, a time, a relation, a list) and
links one more related object on every tracked many-to-many, then draws the history and the detail page.
"""

import datetime as dt
import decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone
from simple_history.models import registered_models

from hpregister.history import history_entries
from hpregister.models import Profile, ReminderRule, SsoGroupMapping
from risks.models import LevelBand, ReportingPeriod, Risk, accept_risk, prepare_next_period, set_acceptable_level
from tests.test_authorization import objects

pytestmark = pytest.mark.django_db

OUR_APPS = {"hpregister", "compliance", "risks", "incidents", "webhooks"}
HISTORY_MODELS = sorted(
    (
        model
        for model in registered_models.values()
        if model._meta.app_label in OUR_APPS and not model._meta.auto_created  # not the m2m through tables
    ),
    key=lambda model: model._meta.label,
)


def other_value(instance, field):
    """A different value of the same type, or ``NotImplemented`` where the field cannot be varied here."""
    value = getattr(instance, field.attname)
    if field.choices:
        options = [key for key, _label in field.flatchoices if key != value and key != ""]
        return options[0] if options else NotImplemented
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.EmailField):
        return "changed@example.test"
    if isinstance(field, models.URLField):
        return "https://example.test/changed"
    if isinstance(field, (models.CharField, models.TextField)):
        addition = " (endret)\nlinje 2" if isinstance(field, models.TextField) else " endret"
        new = f"{value or ''}{addition}"
        return new[-field.max_length :] if field.max_length else new
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return (value or 0) + 1
    if isinstance(field, models.DecimalField):
        return (value or decimal.Decimal(0)) + 1
    if isinstance(field, models.DateTimeField):
        return (value or timezone.now()) + dt.timedelta(hours=1)
    if isinstance(field, models.DateField):
        return (value or timezone.localdate()) + dt.timedelta(days=1)
    if isinstance(field, models.JSONField):
        return [*(value or []), "address_protected"] if isinstance(value, list) else {"changed": True}
    if isinstance(field, models.ForeignKey):
        other = field.related_model._base_manager.exclude(pk=value).order_by("pk").first()
        return other.pk if other is not None else NotImplemented
    return NotImplemented


def vary_every_field(instance) -> set[str]:
    """Change each editable field in its own save (a history record each); the names of those that took."""
    changed = set()
    history_fields = {f.name for f in instance.history.model._meta.fields}
    for field in instance._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name not in history_fields:
            continue
        new = other_value(instance, field)
        if new is NotImplemented:
            continue
        old = getattr(instance, field.attname)
        setattr(instance, field.attname, new)
        try:
            with transaction.atomic():
                instance.save()
        except (IntegrityError, ValidationError, ValueError, TypeError):
            setattr(instance, field.attname, old)  # a combination the database refuses: not this test's subject
            continue
        changed.add(field.name)
    for field in (
        instance.history.model._history_m2m_fields if hasattr(instance.history.model, "_history_m2m_fields") else []
    ):
        related = field.related_model._base_manager.exclude(pk__in=getattr(instance, field.name).all()).first()
        if related is not None:
            getattr(instance, field.name).add(related)
            instance.save()  # simple-history records many-to-many rows with the next save
            changed.add(field.name)
    return changed


def one_of_everything(root):
    """The authorisation matrix's objects, plus what it does not need: a draft period (an approved one is
    frozen), a profile, a reminder rule and a risk acceptance."""
    objects()
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    today = timezone.localdate()
    prepare_next_period(previous=approved, name="Utkast", starts_on=today, ends_on=today + dt.timedelta(days=120))
    Profile.for_user(root)
    ReminderRule.objects.create(kind="history-test", thresholds="-3d, 0")
    risk = Risk.objects.filter(residual_probability__isnull=False, residual_consequence__isnull=False).first()
    accept_risk(risk=risk, user=root, valid_until=today + dt.timedelta(days=180), justification="Tolerable for now")
    set_acceptable_level(organisation=risk.organisation, area="integrity", level=LevelBand.objects.first(), user=root)
    SsoGroupMapping.objects.create(group="stolav-privacy", organisation=risk.organisation, role="privacy_officer")


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.label)
def test_every_change_of_every_field_renders_in_the_history(model, login, root):
    one_of_everything(root)
    instance = model._base_manager.order_by("-pk").first()  # the newest: made above, not frozen
    assert instance is not None, f"make an instance of {model._meta.label} in one_of_everything()"
    if not instance.history.exists():
        instance.save()  # rows made in bulk or through a many-to-many have no first record to compare with
    changed = vary_every_field(instance)
    assert changed, f"no field of {model._meta.label} could be changed"

    entries = history_entries(instance)
    shown = {str(change["field"]) for entry in entries for change in entry["changes"]}
    expected = {str(model._meta.get_field(name).verbose_name) for name in changed}
    assert expected <= shown, f"not in the history: {expected - shown}"
    html = render_to_string("generic/history.html", {"history": entries})
    texts = [n for n in changed if isinstance(model._meta.get_field(n), models.CharField | models.TextField)]
    if any(not model._meta.get_field(n).choices for n in texts):
        assert "endret" in html

    try:
        url = instance.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return
    assert login(root).get(url).status_code == 200
