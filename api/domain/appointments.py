"""An appointment's life: ``booked`` until the visit is ``completed`` or the consultation ``cancelled``.

Every status but ``cancelled`` holds the provider's time (the database's no-overlap constraint and the free
slots both read it so), and a ``booked`` one holds a place in the provider's capacity.
"""

from __future__ import annotations

from enum import StrEnum


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
