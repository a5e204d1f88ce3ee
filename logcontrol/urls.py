from django.urls import path

from . import views

app_name = "logcontrol"

urlpatterns = [
    path("", views.LogReviewListView.as_view(), name="logreview_list"),
    path("reviews/add/", views.LogReviewEditView.as_view(), name="logreview_add"),
    path("reviews/<int:pk>/", views.LogReviewView.as_view(), name="logreview_detail"),
    path("reviews/<int:pk>/edit/", views.LogReviewEditView.as_view(), name="logreview_edit"),
    path("reviews/<int:pk>/open-case/", views.staffcase_open, name="staffcase_open"),
    path("plans/", views.LogControlPlanListView.as_view(), name="logcontrolplan_list"),
    path("plans/add/", views.LogControlPlanEditView.as_view(), name="logcontrolplan_add"),
    path("plans/<int:pk>/", views.LogControlPlanView.as_view(), name="logcontrolplan_detail"),
    path("plans/<int:pk>/edit/", views.LogControlPlanEditView.as_view(), name="logcontrolplan_edit"),
    path("cases/", views.StaffCaseListView.as_view(), name="staffcase_list"),
    path("cases/<int:pk>/", views.StaffCaseView.as_view(), name="staffcase_detail"),
    path("cases/<int:pk>/edit/", views.StaffCaseEditView.as_view(), name="staffcase_edit"),
    path("cases/<int:pk>/breach/", views.staffcase_register_breach, name="staffcase_register_breach"),
    path("cases/<int:pk>/close/", views.staffcase_close, name="staffcase_close"),
    path(
        "cases/<int:parent_pk>/steps/<int:pk>/edit/", views.StaffCaseStepEditView.as_view(), name="staffcasestep_edit"
    ),
    path("requests/", views.AccessLogRequestListView.as_view(), name="accesslogrequest_list"),
    path("requests/add/", views.AccessLogRequestEditView.as_view(), name="accesslogrequest_add"),
    path("requests/<int:pk>/", views.AccessLogRequestView.as_view(), name="accesslogrequest_detail"),
    path("requests/<int:pk>/edit/", views.AccessLogRequestEditView.as_view(), name="accesslogrequest_edit"),
]
