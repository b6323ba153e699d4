"""The OpenAPI schema: authentication descriptions, links, the example, the views that serve it.

drf-spectacular knows knox's and DRF's classes by exact type; ours are
subclasses that only sharpen their errors, so they are described the same.

``link_registered_model`` (a postprocessing hook) adds OpenAPI links from
a registration's 201 to every operation on a model's ``{id}``: a client, or a
fuzzer run statefully, learns that the ``id`` it got back is the one to
act on.  ``REGISTER_EXAMPLE`` is a body that registers a model in the demo
province as written (SPEC §9's references, ``SYT`` and ``officer_syt``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiExample

REGISTER_PATH = "/api/v1/pilot-models/"
# A pilot model's id in a path (the API's and its record's PDF); other ids
# (an issued document's) are not the one a registration returns.
ON_A_MODEL = "/pilot-models/{id}"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "workflows.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(  # type: ignore[no-any-return]
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "workflows.api.auth.SessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


REGISTER_EXAMPLE = OpenApiExample(
    "register",
    summary="An officer of SYT registers model 39",
    request_only=True,
    value={
        "number": 39,
        "title": "Khám chữa bệnh bằng căn cước gắn chip tại bệnh viện tuyến huyện",
        "tasks": "Kết nối hệ thống khám chữa bệnh với Cơ sở dữ liệu quốc gia về dân cư.",
        "lead_agency": "SYT",
        "coordinating_agencies": ["CAT"],
        "responsible_officer": "officer_syt",
        "deadline": "2099-12-31",
        "needs_funding": False,
        "needs_population_db_connection": True,
        "deliverables": [{"name": "Bệnh viện áp dụng", "unit": "bệnh viện", "target": 20}],
        "is_sample": True,
    },
)


def link_registered_model(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: the 201 of a registration links to every operation on a model's ``{id}``."""
    paths: dict[str, dict[str, Any]] = result.get("paths", {})
    register = paths.get(REGISTER_PATH, {}).get("post")
    if register is None:
        return result
    links = {
        operation["operationId"]: {
            "operationId": operation["operationId"],
            "parameters": {"id": "$response.body#/id"},
            "description": f"`{method.upper()} {path}` on the model just registered.",
        }
        for path, operations in paths.items()
        if ON_A_MODEL in path
        for method, operation in operations.items()
    }
    register["responses"]["201"]["links"] = links
    return result
