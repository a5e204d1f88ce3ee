from django.urls import reverse
from rest_framework import serializers

from hpregister.models import Organisation
from incidents.models import Incident, IncidentMeasure, IncidentOrganisation, Notification


def username(of="owner"):
    """The person in field ``of`` as their username (null when nobody is set)."""
    return serializers.CharField(source=f"{of}.get_username", read_only=True, allow_null=True, default=None)


class ReadSerializer(serializers.ModelSerializer):
    """A model's fields as the API shows them. DRF drops ``allow_blank`` from read-only fields, so a choice the
    record leaves empty ("" for no treatment, say) would break the schema's enum: it is kept."""

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


class OrganisationRef(ReadSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class RecordSerializer(ReadSerializer):
    """A register's record with its page (``url``) and its API address (``api_url``); ``api_name`` is the
    router's basename."""

    api_name = ""
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_api_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse(f"api:{self.api_name}-detail", args=[obj.pk]))


class IncidentSerializer(RecordSerializer):
    reference = serializers.CharField(read_only=True)
    deadline = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The 72-hour deadline (ISO 8601 with the Oslo offset)."
    )
    organisations = OrganisationRef(many=True, read_only=True)
    api_name = "incident"

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


class NotificationSerializer(ReadSerializer):
    class Meta:
        model = Notification
        fields = ["id", "phase", "phased", "channel", "sent_at", "case_reference", "delay_reason", "summary"]
        read_only_fields = fields


class BaseMeasureSerializer(ReadSerializer):
    """Any register's measure (the kernel's ``Measure``): subclasses name the model and add their fields."""

    owner = username()

    class Meta:
        fields = ["id", "description", "owner", "due_on", "status", "done_on", "effective"]
        read_only_fields = fields


class MeasureSerializer(BaseMeasureSerializer):
    class Meta(BaseMeasureSerializer.Meta):
        model = IncidentMeasure
        fields = [*BaseMeasureSerializer.Meta.fields, "cancel_reason"]
        read_only_fields = fields


class AffectedSerializer(ReadSerializer):
    organisation = OrganisationRef(read_only=True)
    informed_by = username("informed_by")

    class Meta:
        model = IncidentOrganisation
        fields = ["id", "organisation", "informed_at", "informed_by", "acknowledged_at"]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    """One breach with its records: notifications, measures, the affected organisations (each informed or
    not) and the Art. 34 decision on informing the data subjects."""

    notifications = NotificationSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    affected = AffectedSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [
            *IncidentSerializer.Meta.fields,
            "description",
            "subjects_decision",
            "subjects_rationale",
            "subjects_informed_at",
            "police_notified_at",
            "notifications",
            "measures",
            "affected",
        ]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NotificationWriteSerializer(serializers.Serializer):
    """A notification to Datatilsynet, as the incident page's notification form takes it."""

    phase = serializers.ChoiceField(choices=Notification._meta.get_field("phase").choices)
    phased = serializers.BooleanField(required=False)
    channel = serializers.ChoiceField(choices=Notification._meta.get_field("channel").choices, required=False)
    sent_at = serializers.DateTimeField()
    case_reference = serializers.CharField(required=False)
    delay_reason = serializers.CharField(required=False, help_text="Required when sent after 72 hours.")
    summary = serializers.CharField(required=False)


class MeasureWriteSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.IntegerField(help_text="The accountable person's user id.")
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=IncidentMeasure._meta.get_field("status").choices, required=False)
    done_on = serializers.DateField(required=False)
    cancel_reason = serializers.CharField(required=False)
