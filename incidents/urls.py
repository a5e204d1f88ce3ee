from django.urls import path

from hpregister.measures import effect_view

from . import views
from .models import IncidentMeasure

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("add/", views.IncidentEditView.as_view(), name="incident_add"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.IncidentView.as_view(), name="incident_detail"),
    path("<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("<int:pk>/report/", views.incident_report, name="incident_report"),
    path("<int:pk>/report/pdf/", views.incident_report_pdf, name="incident_report_pdf"),
    path("<int:pk>/close/", views.incident_close, name="incident_close"),
    path("<int:pk>/withdraw/", views.incident_withdraw, name="incident_withdraw"),
    path("<int:pk>/reopen/", views.incident_reopen, name="incident_reopen"),
    path("<int:parent_pk>/notifications/add/", views.NotificationEditView.as_view(), name="notification_add"),
    path(
        "<int:parent_pk>/notifications/<int:pk>/edit/", views.NotificationEditView.as_view(), name="notification_edit"
    ),
    path("<int:parent_pk>/measures/add/", views.MeasureEditView.as_view(), name="incidentmeasure_add"),
    path("<int:parent_pk>/case/add/", views.CaseEntryAddView.as_view(), name="caseentry_add"),
    path("<int:pk>/case/<int:entry_pk>/file/", views.case_file, name="case_file"),
    path("<int:parent_pk>/measures/<int:pk>/edit/", views.MeasureEditView.as_view(), name="incidentmeasure_edit"),
    path("<int:parent_pk>/measures/<int:pk>/effect/", effect_view(IncidentMeasure), name="incidentmeasure_effect"),
    path(
        "<int:parent_pk>/organisations/<int:pk>/edit/",
        views.AffectedOrganisationEditView.as_view(),
        name="incidentorganisation_edit",
    ),
    path("<int:pk>/recurrences/", views.incident_recurrences, name="incident_recurrences"),
    path("root-causes/", views.RootCauseListView.as_view(), name="rootcause_list"),
    path("root-causes/add/", views.RootCauseEditView.as_view(), name="rootcause_add"),
    path("root-causes/<int:pk>/", views.RootCauseView.as_view(), name="rootcause_detail"),
    path("root-causes/<int:pk>/edit/", views.RootCauseEditView.as_view(), name="rootcause_edit"),
    path("counts/", views.BreachCountListView.as_view(), name="breachcount_list"),
    path("counts/<int:pk>/", views.BreachCountView.as_view(), name="breachcount_detail"),
]
