"""Small helpers shared by the store's operations: the lock decorator and id parsing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["locked", "parse_id"]

_F = TypeVar("_F", bound=Callable[..., Any])


def locked(fn: _F) -> _F:
    """Run a store method while holding the store's (re-entrant) lock."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def parse_id(raw: Any) -> int | None:
    """A path or body id as an int, or None when it is not a plain number."""
    s = str(raw).strip()
    return int(s) if s.isascii() and s.isdigit() else None
