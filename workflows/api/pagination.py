"""Pages of 50, up to 500 with ``?page_size=`` (SPEC §9).

A ``page_size`` that is not a whole number of at least 1 answers 400
(DRF would quietly use the default); a larger one than 500 still gets 500.
The schema says so: both paging parameters have ``minimum: 1``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_size_query_param: [_("Phải là một số nguyên dương.")]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
