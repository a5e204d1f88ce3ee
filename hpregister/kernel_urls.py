from django.urls import path

from . import views

app_name = "hpregister"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation_list"),
    path("<int:pk>/", views.OrganisationView.as_view(), name="organisation_detail"),
]
