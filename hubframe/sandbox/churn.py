"""A churning portal: creates, updates and archives in the background, as on a real one.

Real portals are never still: workflows, imports and sales reps change records all
day. A :class:`Churner` makes about ``rate`` writes a second in a daemon thread,
through the store's own operations (``create``, ``update``, ``archive``: the same
lock, validation, email uniqueness, write counter and search invalidation as the
HTTP handlers). Each write holds the lock once, briefly; its values are drawn
before the lock is taken.

- creates draw their values as the seed does (:mod:`.seed.crm`); contacts get an
  email no live contact has;
- updates change one to three properties of a random live record with values drawn
  the same way, which moves ``lastmodifieddate`` / ``hs_lastmodifieddate`` and
  ``updatedAt``;
- archives move a random live record to the recycle bin (its modified date stays);
- restores (weight 0 unless the mix gives a fourth weight) bring a random archived
  record back from the recycle bin, modified now.

Every write is logged in a :class:`ChurnLog` as a :class:`ChurnEvent` stamped with
``time.monotonic()`` inside the store's lock, after the write: a reader that brackets
a read with ``t0``/``t1`` and takes the events with ``t0 <= at <= t1`` sees every
write its read could have seen.

Given a seed, the sequence of operations and object types is fixed (it has its own
RNG); the records picked and the values drawn come from a second one.
"""

from __future__ import annotations

import math
import random
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .crm.definitions import OBJECT_TYPES, PROPERTIES
from .errors import ApiError
from .seed.crm import company_values, contact_values, deal_values
from .seed.pools import slug
from .values import now_ms

if TYPE_CHECKING:  # pragma: no cover
    from .crm.records import ObjectTable, Record
    from .store import Store

__all__ = [
    "ChurnEvent",
    "ChurnLog",
    "Churner",
    "OPS",
    "DEFAULT_OBJECT_TYPES",
    "DEFAULT_MIX",
    "check_type_name",
]

OPS = ("create", "update", "archive", "restore")
DEFAULT_OBJECT_TYPES = ("contacts", "companies", "deals")
DEFAULT_MIX = (1.0, 2.0, 1.0)

_VALUES: dict[str, Callable[[random.Random, int], dict[str, str]]] = {
    "contacts": contact_values,
    "companies": company_values,
    "deals": deal_values,
}
_NOT_UPDATED = frozenset({"email"})  # unique: updates leave it alone


def _drawn(name: str, rng: random.Random) -> dict[str, str]:
    """Values of a new record, without the read-only ones the seed also sets (such as
    ``hubspotscore``): the churn writes as a client does."""
    defs = PROPERTIES[name]
    return {k: v for k, v in _VALUES[name](rng, now_ms()).items() if not defs[k].read_only}


@dataclass(frozen=True)
class ChurnEvent:
    """One write of the churn.

    Attributes:
        at: ``time.monotonic()`` just after the write (taken inside the store's lock).
        op: ``"create"``, ``"update"``, ``"archive"`` or ``"restore"`` (``"update"``
            too for each record of :meth:`~.live.LivePortal.touch_all`).
        object_type: ``"contacts"``, ``"companies"`` or ``"deals"``.
        id: the record's id.
    """

    at: float
    op: str
    object_type: str
    id: str


class ChurnLog:
    """The churn's writes in order, safe to read from any thread (the latest
    :attr:`MAX_EVENTS` are kept)."""

    MAX_EVENTS = 1_000_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[ChurnEvent] = []
        self._ats: list[float] = []

    def record(self, op: str, object_type: str, record_id: int | str) -> ChurnEvent:
        """Log a write that just happened (stamped now)."""
        with self._lock:  # stamped and appended at once: a later reader sees it
            event = ChurnEvent(time.monotonic(), op, object_type, str(record_id))
            self._events.append(event)
            self._ats.append(event.at)
            if len(self._events) > self.MAX_EVENTS:
                del self._events[: self.MAX_EVENTS // 10]
                del self._ats[: self.MAX_EVENTS // 10]
        return event

    def events(
        self,
        since: float | None = None,
        until: float | None = None,
        object_type: str | None = None,
    ) -> list[ChurnEvent]:
        """The events with ``since <= at <= until`` (either end open when None)."""
        with self._lock:
            lo = 0 if since is None else bisect_left(self._ats, since)
            hi = len(self._ats) if until is None else bisect_right(self._ats, until)
            found = self._events[lo:hi]
        if object_type is None:
            return found
        return [e for e in found if e.object_type == object_type]

    def touched(
        self, object_type: str, since: float | None = None, until: float | None = None
    ) -> set[str]:
        """Ids of ``object_type`` records created, updated or archived in the window."""
        return {e.id for e in self.events(since, until, object_type)}

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._ats.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)


class Churner:
    """Writes to a portal at about :attr:`rate` operations a second, in a daemon thread.

    Args:
        store: returns the store to write to (looked up for every write, so a reset
            sandbox's new store is used).
        log: where the writes are logged.
        seed: seed of the operation sequence and of the values.
    """

    def __init__(self, store: Callable[[], Store], log: ChurnLog, seed: int) -> None:
        self._store = store
        self.log = log
        self.rate = 0.0
        self.object_types: tuple[str, ...] = DEFAULT_OBJECT_TYPES
        self.mix: tuple[float, ...] = (*DEFAULT_MIX, 0.0)
        self.skipped = 0  #: operations refused by the store (a record archived meanwhile ...)
        self._lock = threading.Lock()  # the settings, the RNGs, one write at a time
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial = 0
        self._reseed(seed)

    def _reseed(self, seed: Any) -> None:
        self._ops = random.Random(seed)
        self._rng = random.Random(f"hubframe-churn-{seed}")

    def configure(
        self, rate: float, object_types: str | Iterable[str], mix: Iterable[float], seed: Any
    ) -> None:
        """Set the rate, the object types, the create/update/archive(/restore) weights, and (when
        given) restart the RNGs from ``seed``. A running thread takes them at once.

        Raises:
            InputError: a rate that is not a number >= 0, an unknown object type, or a mix
                that is not three weights >= 0 with a positive sum.
        """
        checked = (check_rate(rate), check_types(object_types), check_mix(mix))
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise InputError(f"seed={seed!r}: use a whole number (or None)")
        with self._lock:
            self.rate, self.object_types, self.mix = checked
            if seed is not None:
                self._reseed(seed)
        self._wake.set()

    # -- the thread -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (when the rate is above 0 and it is not running)."""
        if self.rate <= 0 or self.running:
            return
        self._stop.clear()
        self._wake.clear()  # settings made before the start are the schedule's own
        self._thread = threading.Thread(
            target=self._run, name="hubframe-sandbox-churn", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it: no write happens after this returns."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            delay = next_at - time.monotonic()
            if delay > 0 and self._wake.wait(delay):
                # New settings (or stop): a fresh schedule, whose first write is one
                # interval after now (never at once: the rate is a ceiling).
                self._wake.clear()
                next_at = time.monotonic() + (1.0 / self.rate if self.rate > 0 else 0.0)
                continue
            rate = self.rate
            if rate <= 0:
                return
            self.step()
            # Fallen far behind (a long lock hold): catch up one second at most, no burst.
            next_at = max(next_at, time.monotonic() - 1.0) + 1.0 / rate

    # -- one write --------------------------------------------------------------------------

    def step(self) -> ChurnEvent | None:
        """Make one write now. Returns its event, or None when there was nothing to do."""
        with self._lock:
            op = self._ops.choices(OPS, weights=self.mix)[0]
            name = self._ops.choice(self.object_types)
            try:
                return self._write(op, name)
            except ApiError:
                self.skipped += 1
                return None

    def _write(self, op: str, name: str) -> ChurnEvent | None:
        store, otype, rng = self._store(), OBJECT_TYPES[name], self._rng
        if op == "create":
            values = _drawn(name, rng)
            with store.lock:
                if name == "contacts":
                    values["email"] = self._free_email(store, values)
                created = store.create(otype, {"properties": values})
                return self.log.record(op, name, created["id"])
        changes = self._changes(name) if op == "update" else {}
        with store.lock:
            if op == "restore":
                archived = store.tables[name].archived_ids()
                if not archived:
                    return None
                rid = self._rng.choice(archived)
                store.restore(otype, str(rid))
                return self.log.record(op, name, rid)
            rec = self._pick(store.tables[name])
            if rec is None:
                return None
            if op == "update":
                store.update(otype, str(rec.id), {"properties": changes})
            else:
                store.archive(otype, str(rec.id))
            return self.log.record(op, name, rec.id)

    def _changes(self, name: str) -> dict[str, str]:
        """One to three properties with new values, drawn as a new record's."""
        fresh = _drawn(name, self._rng)
        keys = sorted(k for k in fresh if k not in _NOT_UPDATED)
        k = min(len(keys), self._rng.choice((1, 1, 2, 3)))
        changes = {key: fresh[key] for key in self._rng.sample(keys, k)}
        if name == "deals" and {"pipeline", "dealstage"} & set(changes):
            # A stage is in one pipeline: the two change together, as in HubSpot's UI.
            changes.update(pipeline=fresh["pipeline"], dealstage=fresh["dealstage"])
        return changes

    def _pick(self, table: ObjectTable) -> Record | None:
        """A random live record (None when there is none)."""
        recs = table.records
        if not recs:
            return None
        lo, hi = next(iter(recs)), table.next_id - 1  # ids ascend: the first is the lowest
        for _ in range(16):
            rec = recs.get(self._rng.randint(lo, hi))
            if rec is not None and not rec.archived:
                return rec
        live = table.live_ids()  # mostly archived: pick from the live ones
        return recs[self._rng.choice(live)] if live else None

    def _free_email(self, store: Store, values: dict[str, str]) -> str:
        """The drawn email, or one like it that no live contact has."""
        email = values.get("email") or (
            f"{slug(values.get('firstname', '')) or 'user'}."
            f"{slug(values.get('lastname', '')) or 'contact'}@example.com"
        )
        local, _, domain = email.partition("@")
        while store.contact_by_email(email) is not None:
            self._serial += 1
            email = f"{local}{self._serial}@{domain}"
        return email


# -- argument checks -----------------------------------------------------------------------


def check_rate(rate: Any, name: str = "churn") -> float:
    """A rate (writes a second) or a lag (seconds): a finite number >= 0."""
    if (
        not isinstance(rate, (int, float))
        or isinstance(rate, bool)
        or not math.isfinite(rate)
        or rate < 0
    ):
        raise InputError(f"{name}={rate!r}: use a number >= 0")
    return float(rate)


def check_type_name(object_type: Any) -> str:
    """The plural name of a type with records (``contacts``, ``tickets``, ``machines`` ...)."""
    if object_type not in OBJECT_TYPES:
        raise InputError(f"object type {object_type!r}: use one of {', '.join(OBJECT_TYPES)}")
    return str(object_type)


def check_types(object_types: str | Iterable[str]) -> tuple[str, ...]:
    """The types churn writes: contacts, companies and deals (it draws their values
    as seeding does; the other types stay as seeded)."""
    names = (object_types,) if isinstance(object_types, str) else tuple(object_types)
    if not names:
        raise InputError("object_types: give at least one of contacts, companies, deals")
    for name in names:
        if name not in DEFAULT_OBJECT_TYPES:
            raise InputError(
                f"object type {name!r}: churn writes {', '.join(DEFAULT_OBJECT_TYPES)}"
            )
    return tuple(str(n) for n in names)


def check_mix(mix: Iterable[float]) -> tuple[float, ...]:
    """Three weights (create, update, archive) or four (and restore), each >= 0."""
    weights = tuple(mix)
    if (
        len(weights) not in (3, 4)
        or not all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in weights)
        or not all(math.isfinite(w) and w >= 0 for w in weights)
        or sum(weights) <= 0
    ):
        raise InputError(
            f"mix={weights!r}: give three weights >= 0 (create, update, archive), e.g. (1, 2, 1), "
            "or four (and restore), e.g. (1, 2, 1, 0.5)"
        )
    return tuple(float(w) for w in weights) + (0.0,) * (4 - len(weights))
