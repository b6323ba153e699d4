"""Authentication for the API: knox tokens first, then the session with CSRF.

Token authentication comes first so that a request with no credentials gets
401 with ``WWW-Authenticate: Token``.  The two subclasses only sharpen
errors: a token that is not even UTF-8 is a bad token (knox would crash),
and a CSRF failure carries its own code, ``csrf_failed``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from knox import auth as knox_auth
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .errors import CsrfFailed


class TokenAuthentication(knox_auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes) -> Any:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as error:
            raise CsrfFailed(str(error.detail)) from None


AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]
