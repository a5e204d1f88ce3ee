"""Log control's hooks into the incident register: a breach registered as snooping by staff opens a staff
follow-up case, and an open case is a duty that keeps the breach from closing."""

from django.db.models.signals import m2m_changed, post_save
from django.utils.translation import gettext as _

from incidents.choices import IncidentCategory
from incidents.models import DUTY_SOURCES, ENDED, Incident, IncidentOrganisation, OpenDuty

from .models import StaffCase, open_case


def staff_follow_up_duties(incident):
    if incident.pk is None:
        return
    for case in StaffCase.objects.open().filter(incident=incident).prefetch_related("steps"):
        yield OpenDuty(
            "staff_follow_up",
            _("Finish the staff follow-up (%(case)s): %(missing)s")
            % {"case": case, "missing": "; ".join(case.open_steps()) or _("close the case")},
            case.get_absolute_url(),
        )


DUTY_SOURCES.append(staff_follow_up_duties)


def ensure_case(incident) -> None:
    """A live snooping breach with an organisation and no case gets one (unless it came from a case)."""
    if (
        incident.category != IncidentCategory.SNOOPING
        or getattr(incident, "_from_staff_case", False)
        or incident.status in ENDED
        or StaffCase.objects.filter(incident=incident).exists()
    ):
        return
    organisation = incident.organisations.order_by("pk").first()
    if organisation is None:
        return  # the organisations are saved after the incident: the affected row's signal comes back here
    open_case(
        organisation=organisation,
        employee=_("Not identified yet"),
        summary=incident.description,
        confirmed_at=incident.aware_at,
        user=incident.created_by,
        incident=incident,
    )


def incident_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ensure_case(instance)


def organisations_added(sender, instance, action, reverse=False, **kwargs):
    """``incident.organisations.set()/add()`` (the form, the factories): rows made in bulk, no post_save."""
    if action == "post_add" and not reverse:
        ensure_case(instance)


def organisation_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:  # a row saved on its own (the admin's inline)
        ensure_case(instance.incident)


post_save.connect(incident_saved, sender=Incident, dispatch_uid="logcontrol_snooping_case")
m2m_changed.connect(organisations_added, sender=Incident.organisations.through, dispatch_uid="logcontrol_snooping_m2m")
post_save.connect(organisation_saved, sender=IncidentOrganisation, dispatch_uid="logcontrol_snooping_case_org")
