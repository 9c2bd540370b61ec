"""The If-Match check a resource hands to a service (``Blueprint.precondition``).

Every PATCH and state-changing action takes it keyword-only, as ``precondition``, and calls it with the row it
has just read *locked* (``for_update``), so the check still holds when the change is written: of N
concurrent writes carrying one ETag, exactly one passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
Precondition = Callable[[T], None]
