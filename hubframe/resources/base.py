"""What every CRM object resource shares: its client, property names, schema and frames.

:class:`Resource` is the base of the read, search and write halves of
:class:`~hubframe.resources.objects.ObjectResource`. Its public members are
the seams other rooms use (the export, the widgets): ``client``,
``object_type``, ``props``, ``names()``, ``association_types()``,
``schema()`` and ``frame()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from .. import frames
from ..batching import merge_by_id, property_chunks
from ..errors import InputError
from ..object_types import ObjectType, standard_type
from ..properties import DEFAULT_PROPERTIES, SEARCH_DEFAULT_PROPERTIES, normalize_object_type
from .associations import attach

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from ..client import HubSpot
    from ..labels import LabelMaps
    from ..pagination import Page
    from ..properties import PropertySet

__all__ = ["Resource", "table"]

#: What search adds to a custom object's display properties when none are asked for.
_SEARCH_ALSO = ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")


class Resource:
    """One CRM object type of one client: the parts every operation needs.

    Args:
        hs: the client.
        object_type: a standard type's name in any form (``"tickets"``, ``"0-5"``), or an
            :class:`~hubframe.object_types.ObjectType` (custom objects: ``hs.object_type(name)``).

    ``object_type`` is how paths name the type (a custom object's type id, ``2-...``);
    ``type`` is the whole :class:`~hubframe.object_types.ObjectType`.
    """

    def __init__(self, hs: HubSpot, object_type: str | ObjectType):
        self._hs = hs
        if not isinstance(object_type, ObjectType):
            found = standard_type(object_type)
            if found is None:
                normalize_object_type(object_type)  # raises, naming the standard types
            object_type = cast(ObjectType, found)
        self.type: ObjectType = object_type
        self.object_type = object_type.path_name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.type.name}>"

    @property
    def client(self) -> HubSpot:
        """The :class:`~hubframe.HubSpot` client this resource sends through."""
        return self._hs

    @property
    def singular(self) -> str:
        """``contact``, ``company``, ``line_item``, ``machine`` ..., for messages."""
        return self.type.singular

    def default_names(self, *, search: bool = False) -> list[str]:
        """The properties read when none are asked for (HubSpot's defaults; a custom
        object's display properties), those this portal defines."""
        table = SEARCH_DEFAULT_PROPERTIES if search else DEFAULT_PROPERTIES
        defaults = table.get(self.object_type)
        if defaults is None:
            defaults = (*self.type.defaults, *_SEARCH_ALSO) if search else self.type.defaults
        return [n for n in defaults if n in self.props]

    @property
    def props(self) -> PropertySet:
        """The property definitions of this object type (fetched once per client)."""
        return self._hs.properties(self.object_type)

    def names(self, properties: Any = None, *, search: bool = False) -> list[str]:
        """Resolve ``properties=`` (None, a list of names, or ``"all"``) to property names.

        Args:
            properties: None for HubSpot's defaults, a name or list of names, or ``"all"``.
            search: use the search endpoint's defaults for None.

        Raises:
            UnknownPropertyError: a name the portal does not define (with suggestions).
        """
        return self.props.resolve(properties, default=self.default_names(search=search))

    def association_types(self, associations: Any) -> list[str]:
        """Resolve ``associations=`` (None, a type, comma-separated types, or a list) to type names.

        Raises:
            InputError: not a type or list of types, or an unknown object type.
        """
        if associations is None:
            return []
        if isinstance(associations, str):
            associations = [a for a in associations.split(",") if a.strip()]
        if not isinstance(associations, (list, tuple)):
            raise InputError(
                f"associations={associations!r}: use an object type or a list, e.g. ['companies']"
            )
        return list(dict.fromkeys(normalize_object_type(a) for a in associations))

    def schema(self, names: list[str], associations: Sequence[str] = ()) -> pa.Schema:
        """The Arrow schema of records with these properties and association columns."""
        return frames.schema([self.props[n] for n in names], associations=list(associations))

    def frame(
        self, records: list[dict[str, Any]], names: list[str], associations: Sequence[str] = ()
    ) -> pd.DataFrame:
        """A typed DataFrame of HubSpot records with these properties and association columns."""
        props = [self.props[n] for n in names]
        return frames.to_frame(records, props, associations=list(associations))

    def attach_associations(
        self, records: list[dict[str, Any]], associations: Sequence[str]
    ) -> None:
        """Give records of this type their ``associations`` (read by the association batch
        read; see :func:`~hubframe.resources.associations.attach`), in place."""
        if associations:
            attach(self._hs, records, self.object_type, associations)

    def with_associations(
        self, pages: Iterator[Page], associations: Sequence[str]
    ) -> Generator[Page, None, None]:
        """``pages`` with each record's ``associations`` read by the association batch read.

        For the reads whose endpoint returns none (search, batch read) and the export's
        streams: one batch read per page and associated type (see
        :func:`~hubframe.resources.associations.attach`).
        """
        with contextlib.closing(pages):  # type: ignore[type-var]
            for page in pages:
                self.attach_associations(page.results, associations)
                yield page

    def label_maps(self, names: list[str]) -> LabelMaps:
        """The label columns of a read of these properties (:mod:`.labeling`): option
        labels, and the owners and pipelines when a column needs them (fetched now)."""
        from .labeling import label_maps

        return label_maps(self._hs, self.object_type, self.props, names)

    def labelled(self, df: pd.DataFrame, names: list[str], labels: bool) -> pd.DataFrame:
        """``df`` with a ``<column>_label`` column after each labelled column when ``labels``."""
        return self.label_maps(names).frame(df) if labels else df

    # -- helpers of the operations ------------------------------------------------------------

    def _get_all_properties(self, path: str, names: list[str], params: dict[str, Any]) -> Any:
        """One GET whose property list may be split across several requests (no 414)."""
        split = property_chunks(names)
        first = dict(params)
        if split[0]:
            first["properties"] = ",".join(split[0])
        data = self._hs.request_json("GET", path, params=first) or {}
        self._fill_properties(data, path, split[1:], params)
        return data

    def _fill_properties(
        self, data: dict[str, Any], path: str, rest: list[list[str]], params: dict[str, Any]
    ) -> None:
        """Read the property chunks ``rest`` of the same record(s) and merge them into ``data``."""
        for chunk in rest:
            more = {k: v for k, v in params.items() if k != "associations"}
            more["properties"] = ",".join(chunk)
            extra = self._hs.request_json("GET", path, params=more) or {}
            if "results" in data:
                merge_by_id(data.get("results") or [], extra.get("results") or [])
            else:
                data.setdefault("properties", {}).update(extra.get("properties") or {})


def table(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame of outcomes (one row per item of an action), every column a string."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=columns)
    return df.astype({c: "string" for c in columns})
