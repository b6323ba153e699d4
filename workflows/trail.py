"""One model's audit trail as its readers get it: the API feed, the page, the full paged page, the PDF.

The page and the PDF show only the latest ``PILOT06_TRAIL_LATEST``
entries and point to the full, paged feed (review finding M1): a record
stays the same size however long the trail grows.

Two kinds of old entries are left out: refused registrations (once filed
under the number asked for, so they sat on whichever model had that id)
and refusals answered 404 (made by someone who could not see the model).
Both are written as request-level entries now (``services.refusals``).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from approvals.models import AuditEntry

from .models import PilotModel

MODEL_TYPE = "workflows.pilotmodel"


def entries_of(pilot_model: PilotModel) -> QuerySet[AuditEntry]:
    """The model's trail, oldest first."""
    return (
        AuditEntry.objects.filter(object_type=MODEL_TYPE, object_id=str(pilot_model.pk))
        .exclude(action="refused.register")
        .exclude(Q(action__startswith="refused.") & Q(payload__code="not_found"))
        .order_by("seq")
    )


def latest_of(pilot_model: PilotModel) -> tuple[list[AuditEntry], int]:
    """The latest entries, oldest first, and how many the whole trail holds."""
    entries = entries_of(pilot_model)
    latest = list(entries.order_by("-seq")[: int(settings.PILOT06_TRAIL_LATEST)])
    latest.reverse()
    total = len(latest) if len(latest) < int(settings.PILOT06_TRAIL_LATEST) else entries.count()
    return latest, total


def feed_path(pilot_model: PilotModel) -> str:
    """The page with the whole trail, paged."""
    return reverse("workflows:audit", kwargs={"pk": pilot_model.pk})


def feed_url(pilot_model: PilotModel) -> str:
    """The same, absolute, for a printed record."""
    return str(settings.PILOT06_BASE_URL).rstrip("/") + feed_path(pilot_model)
