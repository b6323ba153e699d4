"""Query parameters are input: an unknown name or a page size that is not one answers 400.

A misspelt filter name must not answer the whole province as if it were
the filter's result; a page size of ``abc`` must not quietly become 50.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.api.conftest import ApiFor
from tests.factories import Driver

LIST_URL = "/api/v1/pilot-models/"


def test_a_misspelt_filter_is_a_400_naming_it(api: ApiFor, drive: Driver) -> None:
    drive.register()
    response = api("police").get(
        LIST_URL, {"stat": "registered", "": "false"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["There is no parameter '', 'stat'."]}


def test_the_filters_paging_and_format_are_taken(api: ApiFor, drive: Driver) -> None:
    drive.register()
    query = {"state": "registered", "page": 1, "page_size": 5, "format": "json"}
    response = api("police").get(LIST_URL, query)
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("size", ["abc", "0", "-1", "1.5", "²"])
@pytest.mark.parametrize("where", ["list", "audit"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(
    api: ApiFor, drive: Driver, size: str, where: str
) -> None:
    pm = drive.register()
    url = LIST_URL if where == "list" else f"{LIST_URL}{pm.pk}/audit/"
    response = api("police").get(url, {"page_size": size})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_the_audit_trail_takes_only_paging(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    assert api("police").get(f"{LIST_URL}{pm.pk}/audit/", {"page_size": 1}).status_code == 200
    assert (
        api("police").get(f"{LIST_URL}{pm.pk}/audit/", {"state": "registered"}).status_code == 400
    )


def test_a_hidden_model_is_a_404_before_its_parameters_are_read(
    api: ApiFor, drive: Driver, outsider: User
) -> None:
    pm = drive.register()
    response = api("outsider").get(f"{LIST_URL}{pm.pk}/audit/", {"nope": "1"})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_schema_says_pages_start_at_1(api: ApiFor) -> None:
    schema = api("police").get("/api/schema/", {"format": "json"}).json()
    paging = [
        p
        for path in (LIST_URL, f"{LIST_URL}{{id}}/audit/")
        for p in schema["paths"][path]["get"]["parameters"]
        if p["name"] in ("page", "page_size")
    ]
    assert len(paging) == 4 and all(
        p["schema"] == {"type": "integer", "minimum": 1} for p in paging
    )
