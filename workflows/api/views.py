"""The API's views: parse the request, call a service or a selector, shape the answer.

Every action goes through ``services.perform`` (or ``pilot_model_register``),
which checks in SPEC §4's order and audits refusals; the views add no rule.
The body is passed on raw: the services' forms validate it, after the role,
state and separation-of-duties checks, so a 403 or 409 is never hidden
behind a 400.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import authenticate, user_logged_in
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox import views as knox_views
from knox.models import AuthToken
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from approvals import audit, clock
from approvals.client_ip import client_ip
from approvals.exceptions import Forbidden, NotFound
from approvals.roles import Role, roles_of

from .. import selectors, services, throttle, trail
from ..actions import REGISTRY, ActionSpec, model_actions, unknown_action
from ..labels import action_label
from ..selectors import filter_models, visible_models
from ..services.pipeline import audit_refusal
from . import language
from .auth import AUTHENTICATION_CLASSES, TokenAuthentication
from .errors import LockedOut
from .filters import PilotModelFilterSerializer
from .form_schema import SubmitCompletionMultipart, body_for
from .pagination import PageNumberPagination
from .params import check_query
from .parsers import JSONParser, check_text
from .queries import detail_of, with_details
from .schema import REGISTER_EXAMPLE
from .serializers import (
    AuditEntrySerializer,
    AvailableActionsSerializer,
    CredentialsSerializer,
    ErrorSerializer,
    PilotModelSerializer,
    TokenSerializer,
    VerificationSerializer,
)

ERROR = OpenApiResponse(ErrorSerializer, description="`{detail, code}`")
INVALID = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="Bad input: `{field: [messages]}`; `non_field_errors` for the body as a whole.",
)
READ_ERRORS = {401: ERROR, 404: ERROR}
ACT_ERRORS = {400: INVALID, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}

# Roles that may check the whole audit chain (SPEC §9).
VERIFIERS = frozenset({Role.POLICE, Role.LEADER, Role.INSPECTOR})


class ApiLanguageMixin:
    """Messages in Vietnamese when the client asks for it, else English (see ``language``)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        language.activate_for(request._request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class ApiView(ApiLanguageMixin, APIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class ApiListView(ApiLanguageMixin, GenericAPIView):  # type: ignore[type-arg]
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    pagination_class = PageNumberPagination


def json_object(request: Request) -> dict[str, Any]:
    """The JSON body as a dict; a list, a string or a number is bad input."""
    data = request.data
    if isinstance(data, QueryDict):
        data = data.dict()
    if not isinstance(data, dict):
        raise exceptions.ValidationError(
            {"non_field_errors": [_("Nội dung phải là một đối tượng JSON.")]}
        )
    return data


def model_response(pilot_model_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(PilotModelSerializer(detail_of(pilot_model_id)).data, status=status_code)


# --- Authentication ---------------------------------------------------------


@extend_schema(
    tags=["auth"],
    summary="Obtain a token",
    description=(
        "Exchange a username and password for a token; send it as `Authorization: Token <token>`. "
        "Tokens are stored hashed and expire. Failed logins count toward a lockout (429 `locked_out`), "
        "and the endpoint is rate-limited (429 `throttled`)."
    ),
    request=CredentialsSerializer,
    responses={200: TokenSerializer, 400: INVALID, 429: ERROR},
    auth=[],
)
class TokenView(ApiLanguageMixin, APIView):
    authentication_classes = ()
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    def post(self, request: Request) -> Response:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # django-axes reads and marks the plain HttpRequest.
        http_request = request._request
        user = authenticate(
            request=http_request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            # Answered here, in the API's error shape, instead of by axes' middleware.
            http_request.axes_locked_out = False  # type: ignore[attr-defined]
            raise LockedOut()
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Sai tên đăng nhập hoặc mật khẩu.")]}
            )
        instance, token = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


@extend_schema(
    tags=["auth"], summary="Revoke this token", request=None, responses={204: None, 401: ERROR}
)
class LogoutView(ApiLanguageMixin, knox_views.LogoutView):
    authentication_classes = [TokenAuthentication]


@extend_schema(
    tags=["auth"],
    summary="Revoke all of my tokens",
    request=None,
    responses={204: None, 401: ERROR},
)
class LogoutAllView(ApiLanguageMixin, knox_views.LogoutAllView):
    authentication_classes = [TokenAuthentication]


# --- Pilot models -------------------------------------------------------------


class PilotModelListView(ApiListView):
    serializer_class = PilotModelSerializer

    @extend_schema(
        tags=["pilot-models"],
        summary="List the models you can see",
        parameters=[PilotModelFilterSerializer],
        responses={200: PilotModelSerializer(many=True), 400: INVALID, 401: ERROR, 404: ERROR},
    )
    def get(self, request: Request) -> Response:
        check_query(request, accepted=PilotModelFilterSerializer().fields)
        filters = PilotModelFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        today = clock.today()
        models = with_details(
            filter_models(visible_models(request.user), filters.validated_data, today=today)
        )
        page = self.paginate_queryset(models)
        data = PilotModelSerializer(page, many=True, context={"today": today}).data
        return self.get_paginated_response(data)

    @extend_schema(
        tags=["pilot-models"],
        summary="Register a model",
        description=(
            "An officer registers a model led by their own agency: new → (registered, registration_review). "
            "Refused when the number is taken, there is no deliverable or the deadline is past."
        ),
        request=body_for(REGISTRY["register"].form_class),
        examples=[REGISTER_EXAMPLE],
        responses={201: PilotModelSerializer, 400: INVALID, 401: ERROR, 403: ERROR},
    )
    def post(self, request: Request) -> Response:
        throttle.check(request)
        pilot_model = services.pilot_model_register(
            actor=request.user, data=json_object(request), ip=client_ip(request)
        )
        return model_response(pilot_model.pk, status_code=status.HTTP_201_CREATED)


@extend_schema(
    tags=["pilot-models"], summary="One model", responses={200: PilotModelSerializer, **READ_ERRORS}
)
class PilotModelDetailView(ApiView):
    def get(self, request: Request, pk: int) -> Response:
        return model_response(selectors.get_visible(request.user, pk).pk)


@extend_schema(
    tags=["pilot-models"],
    summary="Actions you can take now",
    description="Only actions that pass the role, state and separation-of-duties checks for you, now.",
    responses={200: AvailableActionsSerializer, **READ_ERRORS},
)
class AvailableActionsView(ApiView):
    def get(self, request: Request, pk: int) -> Response:
        pilot_model = selectors.get_visible(request.user, pk)
        names = selectors.available_actions(pilot_model, request.user)
        return Response(
            {"actions": [{"name": name, "label": action_label(name)} for name in names]}
        )


class ActionView(ApiView):
    """``POST …/actions/<action>/``: one action through ``services.perform``."""

    def act(self, request: Request, pk: int, action: str) -> Response:
        throttle.check(request)
        data, files = self.action_input(request, pk, action)
        pilot_model = services.perform(
            action,
            pilot_model_id=pk,
            actor=request.user,
            data=data,
            files=files,
            ip=client_ip(request),
        )
        return model_response(pilot_model.pk)

    def action_input(
        self, request: Request, pk: int, action: str
    ) -> tuple[dict[str, Any], list[Any]]:
        try:
            if request.content_type.startswith("multipart/"):
                return self._multipart(request), list(request.FILES.getlist("files"))
            return json_object(request), []
        except (exceptions.ParseError, exceptions.UnsupportedMediaType, exceptions.ValidationError):
            # Input is checked last (SPEC §4): an unknown model or action is still
            # a 404, audited like every refusal even though the body never parsed.
            try:
                selectors.get_visible(request.user, pk)
                if action not in REGISTRY:
                    raise unknown_action(action) from None
            except NotFound as refusal:
                audit_refusal(
                    action, actor=request.user, object_id=pk, error=refusal, ip=client_ip(request)
                )
                raise refusal from None
            raise

    def _multipart(self, request: Request) -> dict[str, Any]:
        part = request.data.get("data") if isinstance(request.data, dict) else None
        if part is None:
            return {}
        text = part.read() if hasattr(part, "read") else part
        try:
            data = check_text(json.loads(text))
        except (ValueError, TypeError, RecursionError):
            raise exceptions.ValidationError(
                {"data": [_("Dữ liệu không đúng định dạng JSON.")]}
            ) from None
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"data": [_("Nội dung phải là một đối tượng JSON.")]})
        return data


@extend_schema(exclude=True)
class UnknownActionView(ActionView):
    """Any other action name: the service answers 404 (and audits the attempt)."""

    def post(self, request: Request, pk: int, action: str) -> Response:
        return self.act(request, pk, action)


def _action_view(name: str, spec: ActionSpec) -> type[ActionView]:
    """A documented operation of its own per action, with the body its input form takes."""
    body: Any = body_for(spec.form_class)
    parsers: list[Any] = [JSONParser]
    if spec.takes_files:
        body = {"application/json": body, "multipart/form-data": SubmitCompletionMultipart}
        parsers = [JSONParser, MultiPartParser]
    who = ", ".join(
        "officer of the lead agency" if role == Role.OFFICER else str(role) for role in spec.roles
    )
    situation = spec.situation
    # Built at import, so fixed strings: never whichever language happens to be active.
    with translation.override("vi"):
        label = str(spec.label)

    @extend_schema(
        tags=["actions"],
        operation_id=f"pilot_models_{name}",
        summary=name.replace("_", " ").capitalize(),
        description=f"`{name}` ({label}) — who: {who}. {situation} Success returns the updated model.",
        request=body,
        responses={200: PilotModelSerializer, **ACT_ERRORS},
    )
    def post(self: ActionView, request: Request, pk: int) -> Response:
        return self.act(request, pk, name)

    class_name = "".join(part.title() for part in name.split("_")) + "ActionView"
    return type(class_name, (ActionView,), {"parser_classes": parsers, "post": post})


ACTION_VIEWS: dict[str, type[ActionView]] = {
    name: _action_view(name, spec) for name, spec in model_actions().items()
}


@extend_schema(
    tags=["audit"],
    summary="A model's audit trail, oldest first",
    responses={200: AuditEntrySerializer(many=True), 400: INVALID, **READ_ERRORS},
)
class PilotModelAuditView(ApiListView):
    serializer_class = AuditEntrySerializer

    def get(self, request: Request, pk: int) -> Response:
        pilot_model = selectors.get_visible(request.user, pk)
        check_query(request)
        page = self.paginate_queryset(trail.entries_of(pilot_model))
        return self.get_paginated_response(
            AuditEntrySerializer(page, many=True, context={"request": request}).data
        )


@extend_schema(
    tags=["audit"],
    summary="Recompute the whole audit chain",
    description="For police, leader and inspector.",
    responses={200: VerificationSerializer, 401: ERROR, 403: ERROR},
)
class AuditVerifyView(ApiView):
    def get(self, request: Request) -> Response:
        if not roles_of(request.user) & VERIFIERS:
            raise Forbidden(_("Vai trò của bạn không được kiểm tra nhật ký."))
        result = audit.verify()
        return Response(
            {
                "ok": result.ok,
                "entries": result.entries,
                "head_seq": result.head_seq,
                "head_hash": result.head_hash,
                "first_bad_seq": result.first_bad_seq,
            }
        )
