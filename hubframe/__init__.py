"""hubframe: HubSpot CRM in Jupyter.

Typed pandas DataFrames from HubSpot's CRM, streaming Parquet exports,
notebook forms, and a local HubSpot sandbox::

    import hubframe as hf
    hs = hf.HubSpot()                 # token from HUBSPOT_ACCESS_TOKEN
    df = hs.contacts.search("lifecyclestage", "customer")

The client and the error tree are imported eagerly (they are light); pandas,
pyarrow, ipywidgets and the sandbox load when first used.
"""

from .client import HubSpot, RequestStats
from .encode import CLEAR
from .errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BatchError,
    ConfigurationError,
    ConflictError,
    ExportError,
    ForbiddenError,
    HubFrameError,
    HubFrameWarning,
    HubSpotConnectionError,
    HubSpotError,
    HubSpotTimeoutError,
    InputError,
    MissingScopesError,
    NotFoundError,
    PartialWriteError,
    RateLimitError,
    ServerError,
    SyncError,
    UnexpectedResponseError,
    UnknownPropertyError,
    ValidationError,
)
from .paths import API_VERSIONS, DEFAULT_API_VERSION

__version__ = "0.1.0"


def read_parquet(path, *, columns=None):
    """Read a file written by ``export()`` back with hubframe's dtypes; see
    :func:`hubframe.export.read_parquet`."""
    from .export import read_parquet as _read

    return _read(path, columns=columns)


def read_portal(path, *, engine="pandas"):
    """Read a folder written by ``hs.export_portal()`` back: a dict of DataFrames, or with
    ``engine="duckdb"`` a DuckDB connection with one view per table; see
    :func:`hubframe.portal.read_portal`."""
    from .portal import read_portal as _read

    return _read(path, engine=engine)


__all__ = [
    "APIStatusError",
    "API_VERSIONS",
    "AuthenticationError",
    "BadRequestError",
    "BatchError",
    "CLEAR",
    "ConfigurationError",
    "ConflictError",
    "DEFAULT_API_VERSION",
    "ExportError",
    "ForbiddenError",
    "HubFrameError",
    "HubFrameWarning",
    "HubSpot",
    "HubSpotConnectionError",
    "HubSpotError",
    "HubSpotTimeoutError",
    "InputError",
    "MissingScopesError",
    "NotFoundError",
    "PartialWriteError",
    "RateLimitError",
    "RequestStats",
    "ServerError",
    "SyncError",
    "UnexpectedResponseError",
    "UnknownPropertyError",
    "ValidationError",
    "__version__",
    "read_parquet",
    "read_portal",
]
