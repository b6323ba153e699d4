"""Page tests: pages speak Vietnamese, the source language of the templates."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _vietnamese(settings: Any) -> None:
    settings.LANGUAGE_CODE = "vi"
