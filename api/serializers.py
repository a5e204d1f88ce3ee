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
