import django_filters.fields
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .access import Access
from .fields import within_calendar
from .formrender import WidgetRenderer
from .models import Organisation


class FormRenderer(WidgetRenderer, TemplatesSetting):
    """Every form renders its fields with Designsystemet's markup (templates/forms/); Django's own widgets
    are drawn in Python (hpregister.formrender)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


BIGINT_MAX = 2**63 - 1


def object_id(value) -> int | None:
    """A primary key from a query parameter, or None: ASCII digits only (``"²".isdigit()`` is true, and
    ``int()`` takes Arabic-Indic digits), and within what a database key can hold."""
    value = str(value).strip()
    if not value.isascii() or not value.isdigit() or int(value) > BIGINT_MAX:
        return None
    return int(value)


def _out_of_range(value) -> bool:
    """A key no database column can hold: refused as an invalid choice before any query runs."""
    try:
        return abs(int(str(value).strip())) > BIGINT_MAX
    except ValueError:
        return False


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if _out_of_range(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class ListedChoices(forms.models.ModelChoiceIterator):
    """A model select's options read in one plain query. Django reads them through ``queryset.iterator()``,
    which on PostgreSQL is a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE): three round trips and a
    materialised result, twice the time of the query, for every select of every form drawn.

    A field given ``listed`` (a function of no arguments returning the objects, see ``share_options``) takes
    its options from it instead: selects whose options are parts of one table share its one query. The
    field's queryset still validates what is submitted."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = getattr(self.field, "listed", None)
        # a fresh copy of the queryset: the field's own keeps no cached rows
        for obj in self.queryset.all() if listed is None else listed():
            yield self.choice(obj)


def share_options(form, objects, fields: dict) -> None:
    """Give the model selects ``fields`` ({field name: function of an object -> whether it is that field's
    option}) their options from ``objects``: a queryset, read once when the first of them is drawn, or
    objects the page has read already. Each field's own queryset validates what is submitted."""
    read = []

    def objects_read():
        if not read:
            read.append(list(objects))
        return read[0]

    for name, belongs in fields.items():
        form.fields[name].listed = lambda belongs=belongs: [obj for obj in objects_read() if belongs(obj)]


class ListedFilterChoices(django_filters.fields.ModelChoiceIterator, ListedChoices):
    """django-filter's iterator (its "null" choice) over ListedChoices."""


LISTED = {
    forms.models.ModelChoiceIterator: ListedChoices,
    django_filters.fields.ModelChoiceIterator: ListedFilterChoices,
}


def harden_fields(form) -> None:
    """Model choice fields refuse out-of-range keys (they would crash the query on SQLite or PostgreSQL) and
    read their options in one query, and date fields refuse dates outside the register's calendar."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.MultiValueField):
            if within_calendar not in field.validators:
                field.validators.append(within_calendar)
        if type(field) is forms.ModelChoiceField:
            field.__class__ = SafeModelChoiceField
        elif type(field) is forms.ModelMultipleChoiceField:
            field.__class__ = SafeModelMultipleChoiceField
        if isinstance(field, forms.ModelChoiceField) and field.iterator in LISTED:
            field.iterator = LISTED[field.iterator]
            field.widget.choices = field.choices  # the widget holds an iterator made with the old class


def style_form(form) -> None:
    """Give widgets Designsystemet's class, and tie invalid fields to their error message."""
    harden_fields(form)
    for name, field in form.fields.items():
        widget = field.widget
        widget.attrs.setdefault("class", "ds-input")
        # Only after validation has run: reading form.errors here would validate too early.
        if form._errors is not None and name in form._errors:
            bound = form[name]
            widget.attrs["aria-invalid"] = "true"
            described = [f"{bound.auto_id}_error"]
            if field.help_text:
                described.insert(0, f"{bound.auto_id}_helptext")
            widget.attrs["aria-describedby"] = " ".join(described)


class StyledFormMixin:
    def full_clean(self):
        super().full_clean()
        style_form(self)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm whose organisation choices are limited to what the user may record for.

    ``fieldsets`` (optional): [(legend, [field names]), ...] renders the form in sections.
    """

    uses_access = True
    organisation_fields = ("organisation", "organisations")
    fieldsets: list = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.access = access = Access.for_user(user)
        editable = access.editable_organisation_ids()
        queryset = Organisation.objects.all() if editable is None else Organisation.objects.filter(pk__in=editable)
        for name in self.organisation_fields:
            if name in self.fields:
                self.fields[name].queryset = queryset

    def hidden_related(self, name: str) -> list:
        """Objects linked through many-to-many field ``name`` that this editor cannot choose (or see)."""
        if self.instance.pk is None:
            return []
        field = self.fields[name]
        return list(getattr(self.instance, name).exclude(pk__in=field.queryset.values("pk")))

    def _keep_current_choices(self) -> None:
        """A relation whose current value lies outside the editor's choices keeps that value: the select
        offers it, so saving an unrelated change does not blank it (a measure's owner who has left the
        organisation, say). Run once, after the subclasses have narrowed their querysets."""
        if getattr(self, "_current_kept", False):
            return
        self._current_kept = True
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if type(field) in (forms.ModelChoiceField, SafeModelChoiceField):
                current = getattr(self.instance, f"{name}_id", None)
                choices = field.queryset
                if current is not None and not choices.filter(pk=current).exists():
                    field.queryset = choices.model._base_manager.filter(
                        Q(pk__in=choices.values("pk")) | Q(pk=current)
                    ).order_by(*choices.query.order_by)

    def __getitem__(self, name):
        self._keep_current_choices()
        return super().__getitem__(name)

    def full_clean(self):
        self._keep_current_choices()
        super().full_clean()

    def _save_m2m(self):
        """Save the many-to-many fields without removing what the editor cannot see.

        Every many-to-many field's choices are limited to what the editor may see or record for, so the
        submitted set can only ever hold those. Django would replace the whole set with it, dropping the
        links to other organisations' risks, or a shared incident's other organisations (whose
        IncidentOrganisation rows, with when they were informed, would be hard-deleted and their reminders
        stopped). The hidden links are added to the submitted set, so only the visible part can change."""
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField) and name in self.cleaned_data:
                hidden = self.hidden_related(name)
                if hidden:
                    self.cleaned_data[name] = [*self.cleaned_data[name], *hidden]
        super()._save_m2m()

    def sections(self):
        """Bound fields grouped by ``fieldsets``; fields not named there come last."""
        if not self.fieldsets:
            return [(None, list(self))]
        named = set()
        sections = []
        for legend, names in self.fieldsets:
            fields = [self[name] for name in names if name in self.fields]
            named.update(names)
            sections.append((legend, fields))
        rest = [bf for bf in self if bf.name not in named]
        if rest:
            sections.append((None, rest))
        return sections


class ProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        from .models import Profile

        model = Profile
        fields = ["language", "digest_enabled", "reminders_enabled"]


class TaskFilterForm(StyledFormMixin, forms.Form):
    """The filters of "My tasks": how far ahead, and which kind of task."""

    within = forms.ChoiceField(
        label=_("Due within"),
        choices=[("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days")), ("all", _("Any time"))],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(s.name, s.label) for s in sources]


def add_errors(form, exc: ValidationError) -> None:
    """Put a domain function's ValidationError next to the form's fields (else above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the script."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)
    read_only = forms.BooleanField(label=_("Read only"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].help_text = gettext("At most %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS}
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
