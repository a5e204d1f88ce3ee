from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "compliance"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="compliance:obligation_list"), name="index"),
    path("obligations/", views.ObligationListView.as_view(), name="obligation_list"),
    path("obligations/<int:pk>/", views.ObligationView.as_view(), name="obligation_detail"),
    path("gaps/", views.GapListView.as_view(), name="gap_list"),
    path("gaps/add/", views.GapEditView.as_view(), name="gap_add"),
    path("gaps/<int:pk>/", views.GapView.as_view(), name="gap_detail"),
    path("gaps/<int:pk>/edit/", views.GapEditView.as_view(), name="gap_edit"),
    path("subprocessors/", views.SubProcessorListView.as_view(), name="subprocessor_list"),
    path("subprocessors/<int:pk>/", views.SubProcessorView.as_view(), name="subprocessor_detail"),
]
