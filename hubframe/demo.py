"""``hubframe demo``: a first look at hubframe without a HubSpot account.

Starts the built-in sandbox portal, exports its contacts, companies and deals
to Parquet (with progress bars), and prints what came out: rows, columns, a
few dtypes, file sizes and sample records, then where to go next.

:func:`run_demo` does the work and only logs; :func:`summary` says what a file
holds, in lines the ``hubframe demo`` command (``hubframe.cli.demo``) prints.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("hubframe")

__all__ = ["NEXT_STEPS", "OBJECT_TYPES", "SAMPLE_COLUMNS", "run_demo", "summary"]

OBJECT_TYPES = ("contacts", "companies", "deals")

#: Columns shown in the sample records of each object type (those that exist).
SAMPLE_COLUMNS = {
    "contacts": ["id", "email", "firstname", "lastname", "lifecyclestage", "createdate"],
    "companies": ["id", "name", "domain", "industry", "numberofemployees", "createdate"],
    "deals": ["id", "dealname", "amount", "dealstage", "closedate"],
}
#: Columns whose dtypes the summary shows (one of each kind, where present).
DTYPE_COLUMNS = {
    "contacts": ["id", "email", "createdate", "hs_email_optout", "num_notes", "lifecyclestage"],
    "companies": ["id", "name", "numberofemployees", "annualrevenue", "createdate"],
    "deals": ["id", "amount", "closedate", "dealstage", "createdate"],
}


def _size(num_bytes: int) -> str:
    size = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def run_demo(
    out: str | Path = "hubframe-demo",
    *,
    contacts: int = 5000,
    companies: int = 500,
    deals: int = 1000,
    progress: bool = True,
) -> dict[str, Path]:
    """Export a freshly seeded sandbox portal to ``out/{contacts,companies,deals}.parquet``.

    Args:
        out: the folder to write to (created if needed; earlier demo files are replaced).
        contacts, companies, deals: how many records the sandbox seeds.
        progress: show progress bars.

    Returns:
        The Parquet path of each object type.

    Raises:
        InputError: a negative record count.
    """
    from .errors import InputError
    from .sandbox import Sandbox

    for name, count in (("contacts", contacts), ("companies", companies), ("deals", deals)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InputError(f"--{name}={count!r}: use a whole number >= 0")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with Sandbox(contacts=contacts, companies=companies, deals=deals, seed=0) as sb:
        # The sandbox is on this machine: no need to pace requests as for HubSpot.
        with sb.client(rate_limit=(100_000, 10), search_rate=1_000) as hs:
            for object_type in OBJECT_TYPES:
                path = folder / f"{object_type}.parquet"
                # A fresh portal each run: never resume from an earlier run's checkpoint.
                result = getattr(hs, object_type).export(
                    path, properties="all", resume=False, progress=progress
                )
                log.info(
                    "demo: %s exported, %d rows in %.1f s", object_type, result.rows, result.elapsed
                )
                paths[object_type] = path
    return paths


def summary(object_type: str, path: Path) -> list[str]:
    """What the Parquet file of ``object_type`` holds: rows, columns, size, a few dtypes, samples.

    Returns:
        Lines of text, the first naming the file.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    from .export import read_parquet

    meta = pq.read_metadata(path)
    lines = [
        f"{object_type}: {meta.num_rows:,} rows x {meta.num_columns} columns, "
        f"{_size(path.stat().st_size)}  ->  {path}"
    ]
    schema_names = set(meta.schema.names)
    wanted = [
        c
        for c in dict.fromkeys(DTYPE_COLUMNS[object_type] + SAMPLE_COLUMNS[object_type])
        if c in schema_names
    ]
    # Through hubframe's own Arrow -> pandas mapping, so the dtypes shown are the ones
    # hs.contacts.get_all() would give.
    df = read_parquet(path, columns=wanted)
    dtypes = ", ".join(f"{c}: {df[c].dtype}" for c in DTYPE_COLUMNS[object_type] if c in df.columns)
    lines.append(f"  dtypes: {dtypes}")
    sample = df[[c for c in SAMPLE_COLUMNS[object_type] if c in df.columns]].head(3)
    if len(sample):
        with pd.option_context(
            "display.width", 120, "display.max_columns", 10, "display.max_colwidth", 28
        ):
            lines.extend("  " + line for line in sample.to_string(index=False).splitlines())
    return lines


NEXT_STEPS = """\
Next steps
  Read the files:     import hubframe as hf; hf.read_parquet("{out}/contacts.parquet")   (or any Parquet reader)
  Open the notebooks: jupyter lab notebooks/quickstart.ipynb   (and notebooks/operations.ipynb,
                      in the hubframe repository; pip install jupyterlab if you have no Jupyter)
  Use a real portal:  create a Service Key in HubSpot (Settings > Integrations > Service Keys) with the
                      crm.objects.contacts.read, crm.objects.companies.read and crm.objects.deals.read
                      scopes (a legacy private-app token with them works too, until September 2027), then
                        export HUBSPOT_ACCESS_TOKEN=<the Service Key>
                        hubframe export contacts -o contacts.parquet --properties all
                      (HubSpot's 2026-09 API; --api-version 2026-03 or legacy picks another)
                      or in Python:
                        import hubframe as hf
                        hs = hf.HubSpot()     # reads HUBSPOT_ACCESS_TOKEN
                        hs.contacts.export("contacts.parquet", properties="all")
  Run the sandbox:    hubframe sandbox --port 8765   (a local HubSpot for your own code and tests)"""
