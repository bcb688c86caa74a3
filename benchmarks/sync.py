"""A sync after 1% of a 100,000-contact portal changed, against a full export of it.

Run: ``python benchmarks/sync.py [contacts]``. Prints a Markdown table (requests and
seconds); the sync must cost at most 5% of the full export's requests.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from hubframe.sandbox import Sandbox

PROPS = ["email", "firstname", "lastname", "jobtitle", "city", "lifecyclestage", "phone"]


def main(contacts: int = 100_000) -> None:
    with (
        Sandbox(contacts=contacts, companies=0, deals=0, seed=1) as sb,
        tempfile.TemporaryDirectory() as d,
    ):
        hs = sb.client()  # the client's default rate limits, as against HubSpot
        path = Path(d) / "contacts.parquet"
        first = hs.contacts.sync(path, properties=PROPS, progress=False, lookback=1)
        time.sleep(1.1)
        live = sorted(sb.live_ids("contacts"), key=int)
        rng = random.Random(0)
        picked = rng.sample(live, contacts // 100)
        updates, archives = picked[: len(picked) * 3 // 4], picked[len(picked) * 3 // 4 :]
        sb.touch_all("contacts", updates, properties={"jobtitle": "Changed"})
        hs.contacts.delete(archives)
        res = hs.contacts.sync(path, progress=False, lookback=1)
        assert not res.full and res.updated == len(updates) and res.deleted == len(archives)
        share = res.requests / first.requests
        print(f"| {contacts:,}-contact portal | requests | seconds |")
        print("|---|---:|---:|")
        print(f"| full export (first sync) | {first.requests:,} | {first.seconds:.1f} |")
        print(
            f"| sync after 1% changed ({len(updates):,} updated, {len(archives):,} deleted) "
            f"| {res.requests:,} ({share:.1%}) | {res.seconds:.1f} |"
        )
        assert share <= 0.05, share


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
