"""Reading an exported portal back: :func:`read_portal`, as DataFrames or as DuckDB views."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, ExportError, InputError
from ..export import read_parquet
from .manifest import read_manifest

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ENGINES", "read_portal"]

#: What ``engine=`` takes.
ENGINES = ("pandas", "duckdb")


def read_portal(path: Any, *, engine: str = "pandas") -> Any:
    """Read a folder written by ``hs.export_portal()`` back.

    Args:
        path: the folder.
        engine: ``"pandas"`` (every table as a DataFrame with hubframe's dtypes, as the
            reads return them) or ``"duckdb"`` (a DuckDB connection with one view per
            table over its Parquet file: SQL joins without loading the folder into memory;
            needs ``pip install "hubframe[duckdb]"``).

    Returns:
        ``{table name: DataFrame}`` (``contacts``, ..., ``contacts__companies``, ...,
        ``owners``, ``pipelines``), or a ``duckdb.DuckDBPyConnection`` whose views have
        those names.

    Raises:
        InputError: ``path`` is not a folder, or ``engine`` is not one of :data:`ENGINES`.
        ExportError: the folder holds no finished export (no manifest: never exported
            there, or interrupted), or a table the manifest names is missing.
        ConfigurationError: ``engine="duckdb"`` without DuckDB installed.

    Example:
        >>> tables = hf.read_portal("portal/")  # doctest: +SKIP
        >>> con = hf.read_portal("portal/", engine="duckdb")  # doctest: +SKIP
        >>> con.execute("select count(*) from contacts").fetchone()  # doctest: +SKIP
    """
    if engine not in ENGINES:
        raise InputError(f"engine={engine!r:.60}: use one of {', '.join(map(repr, ENGINES))}")
    folder = _folder(path)
    files = _files(folder)
    if engine == "duckdb":
        return _duckdb_views(files)
    return _frames(files)


def _folder(path: Any) -> Path:
    try:
        folder = Path(path).expanduser().absolute()
    except TypeError:
        raise InputError(
            f"path={path!r:.100}: use the folder hs.export_portal() wrote, e.g. 'portal/'"
        ) from None
    if not folder.is_dir():
        raise InputError(
            f"{folder} is not a folder: give the folder hs.export_portal() wrote, or export "
            f"there first with hs.export_portal({str(path)!r})"
        )
    return folder


def _files(folder: Path) -> dict[str, Path]:
    """Table name -> its file, as the manifest names them (each one checked to exist)."""
    manifest = read_manifest(folder)
    files = {name: folder / entry["path"] for name, entry in manifest["tables"].items()}
    missing = [str(p.relative_to(folder)) for p in files.values() if not p.is_file()]
    if missing:
        raise ExportError(
            f"{folder} is missing {', '.join(missing)} named by its manifest: the folder was "
            "changed after the export; export the portal into it again (resume=False)"
        )
    return files


def _frames(files: dict[str, Path]) -> dict[str, pd.DataFrame]:
    return {name: read_parquet(path) for name, path in files.items()}


def _duckdb_views(files: dict[str, Path]) -> Any:
    try:
        import duckdb
    except ImportError:
        raise ConfigurationError(
            'engine="duckdb" needs DuckDB: pip install "hubframe[duckdb]" (or read the '
            'tables as DataFrames with engine="pandas")'
        ) from None
    con = duckdb.connect()
    for name, path in files.items():
        con.execute(
            f"CREATE VIEW {_identifier(name)} AS SELECT * FROM read_parquet({_literal(path)})"
        )
    return con


def _identifier(name: str) -> str:
    """A SQL identifier, quoted (a custom object's name may need it)."""
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    """A SQL string literal of a path."""
    return "'" + str(path).replace("'", "''") + "'"
