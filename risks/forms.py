from hpregister.forms import ScopedModelForm

from .models import Risk


class RiskForm(ScopedModelForm):
    class Meta:
        model = Risk
        fields = [
            "title",
            "organisation",
            "description",
            "category",
            "residual_probability",
            "residual_consequence",
            "treatment",
            "treatment_justification",
            "status",
            "next_review",
        ]
