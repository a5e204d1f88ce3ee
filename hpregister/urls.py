from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from mozilla_django_oidc import views as oidc_views

from . import account, exportjobs, measures, metrics, passwords, sso, twofactor, views
from .forms import LoginForm

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("search/", views.search, name="search"),
    path("tasks/", views.tasks, name="my_tasks"),
    path("measures/", measures.overview, name="measure_list"),
    path("exports/", exportjobs.job_list, name="export_list"),
    path("exports/<uuid:pk>/", exportjobs.job_detail, name="export_detail"),
    path("exports/<uuid:pk>/download/", exportjobs.job_download, name="export_download"),
    path("exports/<uuid:pk>/delete/", exportjobs.job_delete, name="export_delete"),
    path("saved-filters/", views.saved_filter_save, name="saved_filter_save"),
    path("saved-filters/<int:pk>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", sso.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", passwords.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", passwords.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/", passwords.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Single sign-on (OpenID Connect): 404 unless configured.
    path(
        "oidc/authenticate/",
        login_not_required(sso.sso_only(oidc_views.OIDCAuthenticationRequestView.as_view())),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(sso.sso_only(oidc_views.OIDCAuthenticationCallbackView.as_view())),
        name="oidc_authentication_callback",
    ),
    path("accounts/sso/refused/", login_not_required(sso.refused), name="sso_refused"),
    path("account/", account.account, name="account"),
    path("account/two-factor/", twofactor.setup, name="twofactor_setup"),
    path("account/two-factor/verify/", twofactor.verify, name="twofactor_verify"),
    path("account/two-factor/recovery-codes/", twofactor.recovery_codes, name="twofactor_recovery_codes"),
    path("account/two-factor/remove/", twofactor.remove, name="twofactor_remove"),
    path("calendar/<str:token>.ics", account.calendar_feed, name="calendar_feed"),
    path("organisations/", include("hpregister.kernel_urls")),
    path("security/events/", views.SecurityEventListView.as_view(), name="security_events"),
    path("compliance/", include("compliance.urls")),
    path("risks/", include("risks.urls")),
    path("incidents/", include("incidents.urls")),
    path("log-control/", include("logcontrol.urls")),
    path("internal-control/", include("internalcontrol.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "hpregister.views.page_not_found"
handler500 = "hpregister.views.server_error"
