from django.urls import path

from hpregister.measures import effect_view

from . import views
from .models import RiskMeasure

app_name = "risks"

urlpatterns = [
    path("", views.RiskListView.as_view(), name="risk_list"),
    path("add/", views.RiskEditView.as_view(), name="risk_add"),
    path("top10/", views.top10, name="top10"),
    path("top10/pdf/", views.top10_pdf, name="top10_pdf"),
    path("matrix/", views.heatmap, name="heatmap"),
    path("acceptable-levels/", views.AcceptableLevelListView.as_view(), name="acceptablelevel_list"),
    path("acceptable-levels/add/", views.acceptablelevel_add, name="acceptablelevel_add"),
    path("periods/", views.ReportingPeriodListView.as_view(), name="reportingperiod_list"),
    path("periods/<int:pk>/", views.ReportingPeriodView.as_view(), name="period_detail"),
    path("periods/<int:pk>/submit/", views.period_submit, name="period_submit"),
    path("periods/<int:pk>/approve/", views.period_approve, name="period_approve"),
    path("periods/<int:pk>/reject/", views.period_reject, name="period_reject"),
    path("periods/<int:parent_pk>/entries/<int:pk>/move/", views.periodentry_move, name="periodentry_move"),
    path("periods/<int:pk>/prepare/", views.period_prepare, name="period_prepare"),
    path("periods/<int:parent_pk>/entries/add/", views.PeriodEntryEditView.as_view(), name="periodentry_add"),
    path(
        "periods/<int:parent_pk>/entries/<int:pk>/edit/", views.PeriodEntryEditView.as_view(), name="periodentry_edit"
    ),
    path("<int:pk>/", views.RiskView.as_view(), name="risk_detail"),
    path("<int:pk>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
    path("<int:pk>/accept/", views.risk_accept, name="risk_accept"),
    path("<int:parent_pk>/measures/add/", views.RiskMeasureEditView.as_view(), name="riskmeasure_add"),
    path("<int:parent_pk>/measures/<int:pk>/edit/", views.RiskMeasureEditView.as_view(), name="riskmeasure_edit"),
    path("<int:parent_pk>/measures/<int:pk>/effect/", effect_view(RiskMeasure), name="riskmeasure_effect"),
]
