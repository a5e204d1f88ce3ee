import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BokmalFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user chose another language (the cookie set by the language switch).

    The browser's Accept-Language is ignored on purpose: the register is Norwegian first, whatever the
    language of the machine it is opened on.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionActivityMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request, written at most once a SESSION_REFRESH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST gives the same expiry by writing the session row on every request: one
    UPDATE of every page, a fifth of the queries of the per-request floor. Here the session is marked for
    writing (and its expiry and cookie moved on) only when its last write is older than the refresh interval,
    so a session may end up to that much sooner than the full age after the last request. Sits after
    SessionMiddleware, so that its mark is seen when the session is saved."""

    KEY = "_last_write"

    @staticmethod
    def signed_in(sender, request, user, **kwargs):
        """A new sign-in's session is written anyway: it counts as the last write."""
        if getattr(request, "session", None) is not None:
            request.session[SessionActivityMiddleware.KEY] = int(time.time())

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now  # written now (and its expiry moved on) either way
        return response


user_logged_in.connect(SessionActivityMiddleware.signed_in, dispatch_uid="session_activity_login")
