from django.urls import reverse
from rest_framework import serializers

from hpregister.models import Organisation
from incidents.models import Incident


class OrganisationRef(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class IncidentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    deadline = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The 72-hour deadline (ISO 8601 with the Oslo offset)."
    )
    organisations = OrganisationRef(many=True, read_only=True)
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "category",
            "status",
            "discovered_at",
            "aware_at",
            "deadline",
            "first_notified_at",
            "risk_level",
            "organisations",
            "created_at",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_api_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:incident-detail", args=[obj.pk]))


class IncidentWriteSerializer(serializers.Serializer):
    """What a new breach takes (documentation only: the incident page's form validates it). Times are
    ISO 8601, with an offset (one instant) or without (Norwegian wall-clock time)."""

    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=Incident._meta.get_field("category").choices)
    breach_confidentiality = serializers.BooleanField(required=False)
    breach_integrity = serializers.BooleanField(required=False)
    breach_availability = serializers.BooleanField(required=False)
    discovered_at = serializers.DateTimeField()
    aware_at = serializers.DateTimeField(help_text="When the controller became aware: the 72-hour clock starts.")
    how_known = serializers.ChoiceField(choices=Incident._meta.get_field("how_known").choices)
    organisations = serializers.ListField(child=serializers.IntegerField(), help_text="Affected organisations' ids.")
    occurred_from = serializers.DateTimeField(required=False)
    occurred_to = serializers.DateTimeField(required=False)
    risk_level = serializers.ChoiceField(choices=Incident._meta.get_field("risk_level").choices, required=False)
    risk_rationale = serializers.CharField(required=False)
    processor = serializers.CharField(required=False)
    subjects_count = serializers.IntegerField(required=False)
