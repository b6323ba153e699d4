"""The test-only extension, as a province would ship one: a Django app (viewflow stores flows by app)."""

from __future__ import annotations

from django.apps import AppConfig


class ItAppraisalConfig(AppConfig):
    name = "tests.extension"
    label = "it_extension"
