"""Factories for almanac tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from dateline.almanac.models import Event


class EventFactory(DjangoModelFactory):
    """A reviewed event; pass month, day and year for the date you need."""

    class Meta:
        model = Event

    month = 3
    day = 9
    year = factory.Sequence(lambda n: 1900 + n % 100)
    text = factory.Sequence(lambda n: f"Something notable happens, number {n}.")
    weight = 5
    status = Event.Status.REVIEWED
