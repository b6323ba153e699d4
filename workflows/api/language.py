"""The language of API messages: Vietnamese when the client asks for it, else English.

The site's default is Vietnamese (LANGUAGE_CODE), which suits people at the
pages; a machine client that states no preference is better served in
English.  Only the Accept-Language header counts here: a session's language
cookie belongs to the pages.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

FALLBACK = "en"


def language_of(request: HttpRequest) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return FALLBACK


def activate_for(request: HttpRequest) -> None:
    """Activate the API language for the rest of this request (the response says which)."""
    language = language_of(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
