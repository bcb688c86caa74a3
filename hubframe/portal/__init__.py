"""The whole portal as a relational dataset: one folder of Parquet files and a manifest.

``hs.export_portal("portal/")`` writes every object type, the association edges of
every pair, the owners and the pipelines; ``hf.read_portal("portal/")`` reads them
back as DataFrames (or, with ``engine="duckdb"``, as views of one DuckDB connection).

=================  ===========================================================
:mod:`.run`        :func:`export_portal`: the tables, one after another
:mod:`.job`        the arguments, checked; the tables a run writes
:mod:`.sources`    where each table comes from (the client's reads)
:mod:`.tables`     writing each table, and its manifest entry
:mod:`.manifest`   ``manifest.json`` (written last) and the partial state of a run
:mod:`.read`       :func:`read_portal`
=================  ===========================================================
"""

from .read import ENGINES, read_portal
from .run import PortalResult, export_portal

__all__ = ["ENGINES", "PortalResult", "export_portal", "read_portal"]
