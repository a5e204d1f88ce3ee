"""Self-service credentials with Django's own views: change a password, reset a forgotten one by e-mail.

- Both are rate-limited per client address and per account, counted in the security audit trail.
- A reset never signs the user in (``post_reset_login`` stays off): the next sign-in asks for the password
  and then, where required, the second factor. Changing the password ends every other session (Django's
  session hash), and the change is recorded in the audit trail.
- Reset links are built from ``SITE_URL``, never from the request's Host header.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .choices import SecurityEventKind as Kind
from .forms import StyledFormMixin


def _styled(form_class):
    return type(form_class.__name__, (StyledFormMixin, form_class), {})


TOO_MANY = gettext_lazy("Too many attempts. Wait an hour and try again, or ask an administrator.")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/form_page.html"
    form_class = _styled(auth_views.PasswordChangeForm)
    success_url = reverse_lazy("password_change_done")
    extra_context = {"title": gettext_lazy("Change password"), "submit": gettext_lazy("Change password")}

    def post(self, request, *args, **kwargs):
        limit = settings.PASSWORD_CHANGE_LIMIT_PER_HOUR
        if audit.too_many(Kind.PASSWORD_CHANGE_FAILED, limit, user=request.user):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            audit.record(Kind.PASSWORD_CHANGE_FAILED, user=self.request.user, request=self.request)
        return super().form_invalid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/message_page.html"
    extra_context = {
        "title": gettext_lazy("Password changed"),
        "text": gettext_lazy("Your password is changed. Other sessions with the old password are signed out."),
    }


def _site():
    parts = urlsplit(settings.SITE_URL)
    return parts.netloc, parts.scheme == "https"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/form_page.html"
    form_class = _styled(auth_views.PasswordResetForm)
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {
        "title": gettext_lazy("Forgot your password?"),
        "intro": gettext_lazy("Type the e-mail address of your account. We send a link to set a new password."),
        "submit": gettext_lazy("Send the link"),
    }

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "")[:254]
        self.account = get_user_model()._default_manager.filter(email__iexact=email, is_active=True).first()
        limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
        if audit.too_many(Kind.PASSWORD_RESET_REQUESTED, limit, request=request, user=self.account):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        audit.record(
            Kind.PASSWORD_RESET_REQUESTED,
            user=self.account,
            username="" if self.account else email,
            request=self.request,
        )
        domain, https = _site()
        form.save(
            domain_override=domain,
            use_https=https,
            token_generator=self.token_generator,
            from_email=settings.DEFAULT_FROM_EMAIL,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            extra_email_context={"site_name": "HP Register"},
        )
        # The same answer whether or not the address has an account: nobody learns who has one.
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/message_page.html"
    extra_context = {
        "title": gettext_lazy("Check your e-mail"),
        "text": gettext_lazy(
            "If the address belongs to an account, a link to set a new password is on its way. It works for an hour."
        ),
    }


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/form_page.html"
    form_class = _styled(auth_views.SetPasswordForm)
    post_reset_login = False  # a reset must never skip the password-and-second-factor sign-in
    success_url = reverse_lazy("password_reset_complete")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit"] = _("Set the password")
        if not context.get("validlink"):
            context["title"] = _("The link does not work")
            context["text"] = _("The link is used or too old. Ask for a new one.")
            context["form"] = None
        else:
            context["title"] = _("Set a new password")
        return context

    def form_valid(self, form):
        form.user._password_event = Kind.PASSWORD_RESET
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/message_page.html"
    extra_context = {
        "title": gettext_lazy("Password set"),
        "text": gettext_lazy("Your new password is set. Sign in with it."),
        "link": reverse_lazy("login"),
        "link_text": gettext_lazy("Log in"),
    }
