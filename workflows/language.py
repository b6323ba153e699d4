"""Pages speak Vietnamese unless the user chose English.

Many officials run browsers set to English; Django's ``LocaleMiddleware``
would then show them English pages they never asked for.  So a page takes
its language from the choice stored by the language switch (the cookie set
by ``set_language``) and otherwise uses ``LANGUAGE_CODE`` (vi).  The REST
API keeps Django's usual negotiation, so clients that send
``Accept-Language: en`` still get English messages.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


class PageLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(API_PREFIX):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
