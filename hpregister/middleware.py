from django.conf import settings
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
