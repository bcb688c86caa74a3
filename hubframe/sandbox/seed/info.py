"""What seeding tells its caller: the ids a user needs."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SeedInfo"]


@dataclass
class SeedInfo:
    """Ids a user needs after seeding."""

    portal_id: int
    list_ids: list[str] = field(default_factory=list)  # MANUAL lists
    snapshot_list_ids: list[str] = field(default_factory=list)
    dynamic_list_ids: list[str] = field(default_factory=list)
    workflow_ids: list[str] = field(default_factory=list)
    form_ids: list[str] = field(default_factory=list)
