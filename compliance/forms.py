from hpregister.forms import ScopedModelForm

from .models import Gap


class GapForm(ScopedModelForm):
    class Meta:
        model = Gap
        fields = [
            "code",
            "kind",
            "title",
            "organisation",
            "source",
            "raised_by",
            "reported",
            "summary",
            "proposed_remedy",
            "status",
            "status_date",
            "status_note",
            "obligations",
        ]
