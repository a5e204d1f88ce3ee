from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting

from .access import Access
from .models import Organisation


class FormRenderer(TemplatesSetting):
    """Every form renders its fields with Designsystemet's markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def style_form(form) -> None:
    """Give widgets Designsystemet's class, and tie invalid fields to their error message."""
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
    """A ModelForm whose organisation choices are limited to what the user may record for."""

    uses_access = True
    organisation_fields = ("organisation", "organisations")

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        editable = access.editable_organisation_ids()
        queryset = Organisation.objects.all() if editable is None else Organisation.objects.filter(pk__in=editable)
        for name in self.organisation_fields:
            if name in self.fields:
                self.fields[name].queryset = queryset
