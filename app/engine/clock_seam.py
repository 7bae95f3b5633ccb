"""The seam between the product clock and SpiffWorkflow's timer code.

SpiffWorkflow 3.2 reads ``datetime.now(timezone.utc)`` directly in
``SpiffWorkflow.bpmn.specs.event_definitions.timer``; there is no injection point.
``install()`` replaces that module's ``datetime`` name with a subclass whose ``now()``
is the product clock, and its ``LOCALTZ`` (used for naive ``timeDate`` values) with the
business time zone. ``tests/timers/test_clock_seam.py`` fails if an upgrade changes
how the module reads the time.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from app.clock import ClockDatetime, clock


def install() -> None:
    """Route SpiffWorkflow's timer arithmetic through the product clock (idempotent)."""
    spiff_timer.datetime = ClockDatetime
    spiff_timer.LOCALTZ = clock.business_tz


def installed() -> bool:
    return spiff_timer.datetime is ClockDatetime and spiff_timer.LOCALTZ is clock.business_tz
