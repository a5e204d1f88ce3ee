from django.urls import path

from . import report, views

app_name = "internalcontrol"

urlpatterns = [
    path("", views.record, name="record"),
    path("record.pdf", views.record_pdf, name="record_pdf"),
    path("activities/", views.ProcessingActivityListView.as_view(), name="processingactivity_list"),
    path("activities/add/", views.ProcessingActivityEditView.as_view(), name="processingactivity_add"),
    path("activities/<int:pk>/", views.ProcessingActivityView.as_view(), name="processingactivity_detail"),
    path("activities/<int:pk>/edit/", views.ProcessingActivityEditView.as_view(), name="processingactivity_edit"),
    path("dpias/", views.DpiaListView.as_view(), name="dpia_list"),
    path("dpias/add/", views.DpiaEditView.as_view(), name="dpia_add"),
    path("dpias/<int:pk>/", views.DpiaView.as_view(), name="dpia_detail"),
    path("dpias/<int:pk>/edit/", views.DpiaEditView.as_view(), name="dpia_edit"),
    path("archive/", views.ArchiveSeriesListView.as_view(), name="archiveseries_list"),
    path("archive/add/", views.ArchiveSeriesEditView.as_view(), name="archiveseries_add"),
    path("archive/<int:pk>/", views.ArchiveSeriesView.as_view(), name="archiveseries_detail"),
    path("archive/<int:pk>/edit/", views.ArchiveSeriesEditView.as_view(), name="archiveseries_edit"),
    path("annual-report/", report.annual_report, name="annual_report"),
    path("annual-report.pdf", report.annual_report_pdf, name="annual_report_pdf"),
]
