"""A living portal: the :class:`~.server.Sandbox` methods for churn and search lag.

:class:`LivePortal` is a base of ``Sandbox``; it keeps the :class:`~.churn.Churner`
and its :class:`~.churn.ChurnLog`, and the cheap views tests need to check reads
made while the portal changes::

    with Sandbox(contacts=5_000, churn=50) as sb:
        t0 = time.monotonic()
        before = sb.live_ids("contacts")
        df = sb.client().contacts.get_all()
        t1 = time.monotonic()
        stable = before - sb.touched("contacts", t0, t1)
        # every id in stable is in df, with the values sb.record("contacts", id) has
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .churn import (
    DEFAULT_MIX,
    DEFAULT_OBJECT_TYPES,
    Churner,
    ChurnEvent,
    ChurnLog,
    check_rate,
    check_type_name,
)
from .crm.definitions import OBJECT_TYPES
from .errors import ApiError
from .util import parse_id
from .values import now_ms

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

__all__ = ["LivePortal"]


class LivePortal:
    """Churn (background writes), its log, and search lag, for a sandbox."""

    store: Store
    seed: int

    def _init_live(self, churn: float, search_lag: float) -> None:
        self._churn_log = ChurnLog()
        self._churner = Churner(lambda: self.store, self._churn_log, seed=self.seed)
        self._churner.configure(check_rate(churn), DEFAULT_OBJECT_TYPES, DEFAULT_MIX, None)
        self.set_search_lag(search_lag)

    def _start_live(self) -> None:
        self._churner.start()

    def _stop_live(self) -> None:
        self._churner.stop()

    # -- churn ------------------------------------------------------------------------------

    def churn(
        self,
        rate: float,
        *,
        object_types: str | Iterable[str] = DEFAULT_OBJECT_TYPES,
        mix: Iterable[float] = DEFAULT_MIX,
        seed: int | None = None,
    ) -> None:
        """Create, update and archive records at about ``rate`` writes a second, from now
        until :meth:`stop` (a later :meth:`start` resumes); 0 stops it. Calling again changes it.

        Args:
            rate: writes per second (0: a still portal).
            object_types: which of ``contacts``, ``companies``, ``deals`` to change.
            mix: weights of (create, update, archive), e.g. ``(1, 2, 1)``.
            seed: restart the operation sequence from this seed (first call: the
                sandbox's seed); the same seed on the same portal gives the same writes
                in the same order.

        Raises:
            InputError: a rate below 0, an unknown object type or a bad mix.
        """
        self._churner.configure(rate, object_types, mix, seed)
        if self._churner.rate > 0:
            self._churner.start()
        else:
            self._churner.stop()

    @property
    def churn_rate(self) -> float:
        """The churn's writes per second (0: still)."""
        return self._churner.rate

    @property
    def churn_log(self) -> list[ChurnEvent]:
        """Every churn write so far, oldest first (the latest million are kept)."""
        return self._churn_log.events()

    def churn_events(
        self,
        since: float | None = None,
        until: float | None = None,
        *,
        object_type: str | None = None,
    ) -> list[ChurnEvent]:
        """The churn writes with ``since <= at <= until`` (``time.monotonic()`` values;
        None leaves that end open), optionally of one object type."""
        if object_type is not None:
            object_type = check_type_name(object_type)
        return self._churn_log.events(since, until, object_type)

    def touched(
        self, object_type: str, since: float | None = None, until: float | None = None
    ) -> set[str]:
        """Ids of the records of ``object_type`` the churn created, updated or archived
        between ``since`` and ``until`` (``time.monotonic()`` values)."""
        return self._churn_log.touched(check_type_name(object_type), since, until)

    def unchanged(
        self,
        object_type: str,
        ids: Iterable[int | str],
        since: float | None,
        until: float | None = None,
    ) -> set[str]:
        """Those of ``ids`` the churn did not touch between ``since`` and ``until``.

        With ``ids = sb.live_ids(type)`` taken at ``since``, these are the records that
        existed, unchanged, throughout: a read in that window must return exactly them
        (and possibly others), with their current values.
        """
        return {str(i) for i in ids} - self.touched(object_type, since, until)

    # -- writes tests make (logged as the churn's are) ------------------------------------

    def restore(self, object_type: str, record_id: int | str) -> None:
        """Bring an archived record back live with its id and values, modified now.

        This stands for HubSpot's recycle-bin restore (in the UI; the API restores a
        contact by creating one with the same email). The write is in the churn log as
        a ``"restore"``.

        Raises:
            InputError: an unknown object type, no archived record with this id, or a
                live contact has its email now.
        """
        name = check_type_name(object_type)
        store = self.store
        with store.lock:
            try:
                store.restore(OBJECT_TYPES[name], str(record_id))
            except ApiError as exc:
                raise InputError(
                    f"cannot restore {name} {record_id!r:.40}: {exc.message}"
                ) from None
            self._churn_log.record("restore", name, record_id)

    def touch_all(
        self,
        object_type: str,
        ids: Iterable[int | str] | None = None,
        *,
        at: int | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Write to many live records at once, all stamped with one modification time,
        as HubSpot's own batch updates (imports, workflows) do: any number of records
        then share one ``lastmodifieddate``.

        Args:
            object_type: ``contacts``, ``companies`` or ``deals``.
            ids: the records (None: every live record); ids not live are skipped.
            at: the modification time, epoch milliseconds (default: now).
            properties: values written to each (default: none; the timestamp moves anyway).

        Returns:
            The ids written; each is in the churn log as an ``"update"``.

        Raises:
            InputError: an unknown object type, a bad ``at`` or an invalid value.
        """
        name = check_type_name(object_type)
        if at is not None and (not isinstance(at, int) or isinstance(at, bool) or at <= 0):
            raise InputError(f"at={at!r}: use epoch milliseconds (an int), or None for now")
        store = self.store
        with store.lock:
            table = store.tables[name]
            wanted = table.live_ids() if ids is None else [parse_id(str(i)) for i in ids]
            try:
                written = store.touch_all(
                    OBJECT_TYPES[name], [str(i) for i in wanted if i is not None],
                    now_ms() if at is None else at, dict(properties or {}),
                )  # fmt: skip
            except ApiError as exc:
                raise InputError(f"touch_all({name!r}): {exc.message}") from None
            for rid in written:
                self._churn_log.record("update", name, rid)
        return written

    # -- the portal now ---------------------------------------------------------------------

    def live_ids(self, object_type: str) -> set[str]:
        """Ids of the live (not archived) records of ``object_type`` now."""
        name = check_type_name(object_type)
        with self.store.lock:
            ids = self.store.tables[name].live_ids()
        return {str(i) for i in ids}  # the list is never changed once handed out

    def record(self, object_type: str, record_id: int | str) -> dict[str, Any] | None:
        """A record's current state as HubSpot's JSON (``{id, properties, createdAt,
        updatedAt, archived, archivedAt?}``, every stored and computed value), archived
        or not; None if it never existed. Reads nothing over HTTP and is never lagged."""
        return self.store.record_json(check_type_name(object_type), record_id)

    # -- search lag -------------------------------------------------------------------------

    def set_search_lag(self, seconds: float) -> None:
        """Make search answer as the portal was ``seconds`` ago (0: at once).

        As on HubSpot, new records are not found yet, updates are not seen yet (filters
        and returned values use the old values) and archived records are still returned
        until their write is ``seconds`` old. Gets, lists and batch reads are never lagged.
        Starting a lag takes the portal as it is now as what search sees.

        Raises:
            InputError: not a number >= 0.
        """
        self.store.set_search_lag(check_rate(seconds, "search_lag"))

    @property
    def search_lag(self) -> float:
        """Seconds search lags writes (0: none)."""
        return self.store.search_lag
