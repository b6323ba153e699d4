"""The admin of people and credentials: nobody's password or token is made by the administrator.

Review finding H1: knox's own token admin let ``admin`` add a token for the
leader and act as the leader.  Here

* API tokens are shown (whose, created, expiry; never the token, its digest
  or its lookup prefix) and may be deleted, never added or edited;
* a person the admin adds gets no usable password: they set their own
  through the reset link (issue 12), so the admin never knows it;
* the admin's password form is refused for anyone but the admin themself;
* people are deactivated, never deleted (SPEC §5: the trail outlives them);
* django-axes' lockouts may be lifted (deleted, audited); its logs are read-only.

Every change that remains possible is audited by ``approvals.signals``.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from knox.models import AuthToken

User = get_user_model()


class PersonCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new account without a password: its owner sets one through the reset link."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class PeopleAdmin(UserAdmin):  # type: ignore[type-arg]
    add_form = PersonCreationForm  # type: ignore[assignment]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name", "email")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if str(request.user.pk) != str(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class TokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "created", "expiry"]
    fields = ["user", "created", "expiry"]
    readonly_fields = ["user", "created", "expiry"]
    search_fields = ["user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LockoutAdmin(AccessAttemptAdmin):
    """Read a lockout, or lift it by deleting it."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyLog:
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AccessLogReadOnly(_ReadOnlyLog, AccessLogAdmin):
    pass


class AccessFailureLogReadOnly(_ReadOnlyLog, AccessFailureLogAdmin):
    pass


for _model, _admin in (
    (User, PeopleAdmin),
    (AuthToken, TokenAdmin),
    (AccessAttempt, LockoutAdmin),
    (AccessLog, AccessLogReadOnly),
    (AccessFailureLog, AccessFailureLogReadOnly),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
