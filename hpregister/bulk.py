"""Bulk changes on a list: assign an owner, or set a review date, on the rows the user ticks.

Each changed record is saved on its own, so it gets its history entry (who, when, what, "Bulk change");
records the user may not change, or cannot see, are left alone and counted.
"""

from __future__ import annotations

import django_tables2 as tables
from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .access import Access
from .forms import StyledFormMixin, object_id

ACTIONS = {"owner": _("Assign an owner"), "next_review": _("Set the next review date")}


class SelectColumn(tables.Column):
    """A tick box per row, for the bulk form under the list (it names the row for screen readers)."""

    def __init__(self, **kwargs):
        super().__init__(verbose_name=_("Select"), empty_values=(), orderable=False, exclude_from_export=True, **kwargs)

    def render(self, record):
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="bulk-form" aria-label="{} {}">',
            record.pk,
            _("Select"),
            record,
        )


class BulkForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("Change the selected rows"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    next_review = forms.DateField(
        label=_("Next review"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ids = forms.CharField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, fields=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(name, ACTIONS[name]) for name in fields]
        editable = Access.for_user(user).editable_organisation_ids()
        people = get_user_model().objects.filter(is_active=True)
        if editable is not None:
            people = people.filter(memberships__organisation_id__in=editable)
        self.fields["owner"].queryset = people.distinct().order_by("first_name", "last_name", "username")
        if "owner" not in fields:
            del self.fields["owner"]
        if "next_review" not in fields:
            del self.fields["next_review"]

    def clean_ids(self):
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        ids = [object_id(value) for value in values]
        if not values or None in ids:
            raise forms.ValidationError(_("Tick the rows to change."))
        return ids

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action and cleaned.get(action) in (None, ""):
            self.add_error(action, _("Choose the new value."))
        return cleaned


def apply(form: BulkForm, queryset, user) -> tuple[int, int]:
    """(changed, left alone): each record saved on its own, under a lock, with its history entry."""
    action = form.cleaned_data["action"]
    value = form.cleaned_data[action]
    access = Access.for_user(user)
    changed = 0
    ids = form.cleaned_data["ids"]
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the list's outer joins (select_related).
        for record in queryset.filter(pk__in=ids).select_for_update(of=("self",)):
            if not access.can_edit(record):
                continue
            setattr(record, action, value)
            record._change_reason = "Bulk change"
            record.save()
            changed += 1
    return changed, len(set(ids)) - changed
