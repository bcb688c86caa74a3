"""The three checks every fuzz try ends with, in one place.

- :meth:`Fuzz.attempt`: the call either returns or raises a :class:`hubframe.HubFrameError`
  subclass (KeyboardInterrupt passes through). Anything else is an untyped exception: it
  is counted and the try fails with its traceback.
- :meth:`Fuzz.scan_exception`, :meth:`Fuzz.scan`, :meth:`Fuzz.scan_files`,
  :meth:`Fuzz.scan_logs`: the token appears nowhere (message, repr, ``args``, attributes,
  the whole ``__cause__``/``__context__`` chain, every log record, widget state, files).
- :func:`duplicated`: records whose unique key appears more than once in the sandbox.

What was tried is added to the ``fuzz`` section of the reliability figures:
``hostile_answers`` (spoiled answers the proxy served), ``hostile_inputs``,
``typed_errors``, ``results``, ``untyped_exceptions`` and ``token_sightings`` (both must
stay 0; a try that sees one fails). Every fuzz test counts there, the tests of failures
fixed since included; ``Fuzz(section="fuzz_known")`` is for a failure kept as
``xfail(strict=True)`` until its fix lands, counted apart.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hubframe as hf

TOKEN = "pat-na1-f00dface-1234-4abc-9def-0123456789ab"

_TOKEN_RE = re.compile(
    "|".join((re.escape(TOKEN), re.escape(TOKEN[12:28]), r"[Bb]earer\s+[\w-]{8,}"))
)


class Untyped(AssertionError):
    """A public function raised something that is not a HubFrameError."""


class Captured(logging.Handler):
    """Every record of every logger, at DEBUG, formatted with its arguments."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record whose args do not fit its format: keep both raw
            text = f"{record.msg!r} {record.args!r}"
        extra = {k: v for k, v in vars(record).items() if k not in _PLAIN_RECORD}
        self.texts.append(f"{record.name}: {text} {extra!r} {record.exc_text or ''}")


_PLAIN_RECORD = set(vars(logging.LogRecord("n", 0, "p", 0, "m", None, None)))


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)


class Fuzz:
    """One test's tally and checks; ``figures`` is the reliability suite's session tally."""

    def __init__(self, figures: Any, token: str = TOKEN, *, section: str = "fuzz"):
        self.figures = figures
        self.section = section
        self.token = token
        self.sightings: list[str] = []
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n
        self.figures.add(self.section, key, n)

    # -- the token ---------------------------------------------------------------------------

    def scan(self, where: str, content: str | bytes) -> None:
        """Record every sighting of the token (or a bearer header) in ``content``."""
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        self.add("places_searched")
        for m in _TOKEN_RE.finditer(text):
            self.sightings.append(f"{where}: ...{text[max(0, m.start() - 40) : m.end() + 8]!r}")
            self.add("token_sightings")

    def scan_exception(self, exc: BaseException) -> None:
        """Message, repr, args, attributes and traceback of every exception in the chain."""
        for e in _chain(exc):
            name = type(e).__name__
            self.scan(f"{name} str", str(e))
            self.scan(f"{name} repr", repr(e))
            self.scan(f"{name} args", repr(e.args))
            self.scan(f"{name} attributes", repr(getattr(e, "__dict__", {})))
            self.scan(f"{name} notes", repr(getattr(e, "__notes__", [])))
        self.scan("traceback", "".join(traceback.format_exception(exc)))

    def scan_files(self, where: str, folder: Path) -> None:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            self.scan(f"{where}/{path.name}", data)

    def scan_widget(self, widget: Any) -> None:
        todo = [widget]
        while todo:
            w = todo.pop()
            self.scan(f"state of {type(w).__name__}", json.dumps(w.get_state(), default=repr))
            todo.extend(getattr(w, "children", ()) or ())

    @contextmanager
    def logs(self) -> Iterator[Captured]:
        """Capture the root logger (httpx, httpcore, hubframe...) at DEBUG; scanned at exit."""
        handler = Captured()
        root = logging.getLogger()
        old = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            yield handler
        finally:
            root.removeHandler(handler)
            root.setLevel(old)
            for text in handler.texts:
                self.scan("log", text)

    # -- typed or correct --------------------------------------------------------------------

    def attempt(
        self, what: str, fn: Callable[[], Any], detail: Callable[[], str] = str
    ) -> tuple[Any, hf.HubFrameError | None]:
        """``(result, None)`` or ``(None, error)`` for a HubFrameError; fails on anything else.

        ``detail()`` is added to the failure (e.g. the answers a proxy spoiled)."""
        try:
            result = fn()
        except KeyboardInterrupt:
            raise
        except hf.HubFrameError as exc:
            self.add("typed_errors")
            self.scan_exception(exc)
            return None, exc
        except BaseException as exc:
            self.add("untyped_exceptions")
            self.scan_exception(exc)
            tb = "".join(traceback.format_exception(exc))
            raise Untyped(f"{what}: untyped {type(exc).__name__} {detail()}\n{tb}") from None
        self.add("results")
        return result, None

    def assert_clean(self) -> None:
        assert not self.sightings, "the token showed:\n" + "\n".join(self.sightings[:20])


def duplicated(sb: Any, object_type: str, key: str, prefix: str) -> dict[str, int]:
    """Values of ``key`` starting with ``prefix`` held by more than one live record."""
    store = sb.store
    with store.lock:
        table = store.table(object_type)
        values = Counter(
            str(r.props.get(key, "")).lower()
            for r in table.records.values()
            if not r.archived and str(r.props.get(key, "")).lower().startswith(prefix.lower())
        )
    return {v: n for v, n in values.items() if n > 1}


def doubled_submissions(sb: Any, prefix: str) -> dict[str, int]:
    """Emails starting with ``prefix`` that the sandbox took more than one form submission for."""
    with sb.store.lock:
        emails = Counter(
            str(sub.get("fields", {}).get("email", "")).lower() for sub in sb.store.submissions
        )
    return {e: n for e, n in emails.items() if n > 1 and e.startswith(prefix)}
