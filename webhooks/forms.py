from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hpregister.events import event_kinds
from hpregister.forms import ScopedModelForm

from .models import WebhookEndpoint


class WebhookEndpointForm(ScopedModelForm):
    url = forms.URLField(label=_("Address (HTTPS)"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=())

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "name", "url", "events", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(kind.name, kind.label) for kind in event_kinds]
        organisations = self.fields["organisation"].queryset
        if self.instance.pk is None and len(organisations[:2]) == 1:
            self.initial.setdefault("organisation", organisations[0].pk)  # the officer's only organisation
        self.fields["url"].help_text = _("Deliveries are signed: the webhook's page shows the secret to check them.")

    def clean_url(self):
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in settings.WEBHOOK_INSECURE_HOSTS:
            raise forms.ValidationError(_("Use an https:// address: deliveries carry links into the register."))
        return url
