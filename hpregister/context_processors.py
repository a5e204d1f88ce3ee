from django.utils.translation import gettext_lazy as _

from .access import Access
from .addresses import address

NAVIGATION = [
    ("dashboard", _("Dashboard"), ""),
    ("my_tasks", _("My tasks"), "/tasks/"),
    ("incidents:incident_list", _("Incidents"), "/incidents/"),
    ("logcontrol:logreview_list", _("Log control"), "/log-control/"),
    ("risks:risk_list", _("Risks"), "/risks/"),
    ("compliance:obligation_list", _("Compliance"), "/compliance/"),
    ("internalcontrol:record", _("Internal control"), "/internal-control/"),
    ("hpregister:organisation_list", _("Organisations"), "/organisations/"),
    ("search", _("Search"), "/search/"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = [
        {
            "url": address(name),
            "label": label,
            "current": (prefix and path.startswith(prefix)) or (not prefix and path == "/"),
        }
        for name, label, prefix in NAVIGATION
    ]
    access = Access.for_user(user)
    if access.reads_audit_trail:
        items.append(
            {
                "url": address("security_events"),
                "label": _("Security log"),
                "current": path.startswith("/security/"),
            }
        )
    return {"nav_items": items, "access": access, "show_admin": user.is_staff}
