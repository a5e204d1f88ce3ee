from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("counts/", views.BreachCountListView.as_view(), name="breachcount_list"),
    path("counts/<int:pk>/", views.BreachCountView.as_view(), name="breachcount_detail"),
]
