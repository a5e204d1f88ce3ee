from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import account, twofactor, views
from .forms import LoginForm

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("account/", account.account, name="account"),
    path("account/two-factor/", twofactor.setup, name="twofactor_setup"),
    path("account/two-factor/verify/", twofactor.verify, name="twofactor_verify"),
    path("calendar/<str:token>.ics", account.calendar_feed, name="calendar_feed"),
    path("organisations/", include("hpregister.kernel_urls")),
    path("compliance/", include("compliance.urls")),
    path("risks/", include("risks.urls")),
    path("incidents/", include("incidents.urls")),
    path("admin/", admin.site.urls),
]
