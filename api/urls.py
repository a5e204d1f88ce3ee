from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import routers

from . import compliance, incidents, risks, tasks
from .schema_view import SchemaView

app_name = "api"

router = routers.SimpleRouter(trailing_slash=True)
router.register("incidents", incidents.IncidentViewSet, basename="incident")
router.register("risks", risks.RiskViewSet, basename="risk")
router.register("top10-periods", risks.PeriodViewSet, basename="period")
router.register("duties", compliance.ObligationViewSet, basename="obligation")
router.register("assessments", compliance.AssessmentViewSet, basename="assessment")
router.register("gaps", compliance.GapViewSet, basename="gap")
router.register("subprocessors", compliance.SubProcessorViewSet, basename="subprocessor")
router.register("subprocessor-notices", compliance.NoticeViewSet, basename="notice")
router.register("adequacy-decisions", compliance.AdequacyDecisionViewSet, basename="adequacy")
router.register("processor-agreements", compliance.ProcessorAgreementViewSet, basename="agreement")


def api_view(view):
    """DRF authenticates API requests itself (a token or the session) and answers 401/403 as JSON, so
    Django's login redirect stays out of the way."""
    return login_not_required(view)


urlpatterns = [
    path("tasks/", api_view(tasks.TaskView.as_view()), name="task-list"),
    path("schema/", api_view(SchemaView.as_view()), name="schema"),
    # The documentation is a page: a browser without a session goes to the login page first.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    *[re_path(str(p.pattern), api_view(p.callback), name=p.name) for p in router.urls],
]
