"""Report fixtures: a logged-in browser client per person, and a fixed clock.

Reports read ``approvals.clock``, which reads ``django.utils.timezone.now``,
so time-machine moves every figure, every step's timestamp and the date line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=TZ)

ClientFor = Callable[[str], Client]


def at(days: float) -> time_machine.travel:
    """Stand ``days`` after DAY0 (09:00, Hanoi time) while the block runs."""
    return time_machine.travel(DAY0 + dt.timedelta(days=days), tick=False)


@pytest.fixture
def browser(people: dict[str, User]) -> ClientFor:
    clients: dict[str, Client] = {}

    def client_for(who: str) -> Client:
        if who not in clients:
            client = Client()
            client.force_login(people[who])
            clients[who] = client
        return clients[who]

    return client_for


@pytest.fixture
def frozen_day0() -> Iterator[None]:
    with at(0):
        yield
