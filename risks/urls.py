from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("", views.RiskListView.as_view(), name="risk_list"),
    path("add/", views.RiskEditView.as_view(), name="risk_add"),
    path("top10/", views.top10, name="top10"),
    path("<int:pk>/", views.RiskView.as_view(), name="risk_detail"),
    path("<int:pk>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
]
