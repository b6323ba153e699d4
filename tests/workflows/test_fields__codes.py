"""Agency code lists: a NUL is bad input, never a query PostgreSQL refuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from workflows.fields import CodeListField


@pytest.mark.parametrize("value", [["SYT", "S\x00GD"], "SYT,S\x00GD"])
def test_a_code_with_a_nul_is_refused_as_input(value: object) -> None:
    with pytest.raises(ValidationError):
        CodeListField(required=False).clean(value)


def test_codes_still_come_from_json_or_commas() -> None:
    assert CodeListField().clean(["SYT", "SGDDT"]) == ["SYT", "SGDDT"]
    assert CodeListField().clean("SYT, SGDDT") == ["SYT", "SGDDT"]
