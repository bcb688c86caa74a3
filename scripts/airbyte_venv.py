# ruff: noqa: T201  (a command-line script: it prints the Python it made)
"""Make (or reuse) the virtual environment that runs Airbyte's HubSpot connector.

    python scripts/airbyte_venv.py            # prints the environment's Python
    python scripts/airbyte_venv.py --check    # exit 0 only if it is built already

The connector pins its own dependencies (``airbyte-cdk`` 6, ``pendulum`` 2 ...), which
must never meet hubframe's, so it gets an environment of its own in the git-ignored
``.venvs/airbyte-hubspot-<version>`` at the repository root, with a pinned
``airbyte-source-hubspot`` and the ``airbyte-cdk`` it resolved to when the pin was
chosen. Into that environment go ``hubspot_redirect.py`` (as
``hubframe_hubspot_redirect``) and a ``.pth`` file importing it, which send the
connector's requests to ``$HUBFRAME_SANDBOX_URL`` (see that module for why).

A ``ready`` file is written last: an environment without it (an install that was
interrupted) is built again from scratch. Two builds at once wait for each other on a
lock file. Building takes about a minute on a fresh machine (pip install of ~90
packages); reusing it takes nothing.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["CONNECTOR", "PINS", "VenvError", "IndexUnreachable", "venv_dir", "ensure_venv"]

CONNECTOR = "airbyte-source-hubspot"
VERSION = "5.7.0"
#: The connector and the CDK it resolved to (its own pin is airbyte-cdk>=6,<7).
PINS = (f"{CONNECTOR}=={VERSION}", "airbyte-cdk==6.61.6")
#: The connector's own requirement: Python >=3.10,<3.12.
PYTHONS = ((3, 11), (3, 10))
ROOT = Path(__file__).resolve().parent.parent
REDIRECT = Path(__file__).resolve().parent / "hubspot_redirect.py"
INSTALL_TIMEOUT = 1200  # seconds


class VenvError(RuntimeError):
    """The environment could not be built (the message says which step failed)."""


class IndexUnreachable(VenvError):
    """The package index does not answer for the connector: nothing can be installed."""


def venv_dir(root: Path = ROOT) -> Path:
    """Where the environment lives: ``<root>/.venvs/airbyte-hubspot-<version>``."""
    return root / ".venvs" / f"airbyte-hubspot-{VERSION}"


def _base_python() -> str:
    """A Python the connector accepts: this one if it fits, else python3.11 / python3.10."""
    if sys.version_info[:2] in PYTHONS:
        return sys.executable
    for major, minor in PYTHONS:
        found = shutil.which(f"python{major}.{minor}")
        if found:
            return found
    raise VenvError(
        f"{CONNECTOR} {VERSION} needs Python 3.10 or 3.11; none found (this is "
        f"{sys.version.split()[0]}). Install one as python3.11 or python3.10."
    )


def _python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def _stamp() -> str:
    """What the ready file records: the pins and the redirect's contents."""
    digest = hashlib.sha256(REDIRECT.read_bytes()).hexdigest()
    return json.dumps({"pins": list(PINS), "redirect_sha256": digest}, sort_keys=True)


def _run(cmd: list[str], step: str, timeout: float = INSTALL_TIMEOUT) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise VenvError(f"{step} failed (exit {done.returncode}):\n{tail}")


def _index_answers(python: str) -> bool:
    """Does the package index list the connector? (No answer: nothing can be built.)"""
    cmd = [python, "-m", "pip", "index", "versions", CONNECTOR, "--disable-pip-version-check"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0 and VERSION in done.stdout


def _install_redirect(python: Path) -> None:
    """The redirect module and the ``.pth`` line that imports it at start-up."""
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    site = Path(found.stdout.strip())
    shutil.copyfile(REDIRECT, site / "hubframe_hubspot_redirect.py")
    (site / "hubframe_hubspot_redirect.pth").write_text("import hubframe_hubspot_redirect\n")


def _build(venv: Path) -> None:
    base = _base_python()
    if not _index_answers(base):
        raise IndexUnreachable(
            f"the package index did not list {CONNECTOR} {VERSION}; is it reachable?"
        )
    shutil.rmtree(venv, ignore_errors=True)
    _run([base, "-m", "venv", str(venv)], "creating the virtual environment", timeout=300)
    python = _python_of(venv)
    _run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", *PINS],
        f"pip install {' '.join(PINS)}",
    )
    _install_redirect(python)
    (venv / "ready").write_text(_stamp())


def ensure_venv(root: Path = ROOT) -> Path:
    """The Python of a built environment, building it first if needed.

    Raises:
        IndexUnreachable: the package index does not answer (tests skip on this only).
        VenvError: any other step failed; the message has pip's last lines.
    """
    venv = venv_dir(root)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second build waits for the first
        ready = venv / "ready"
        if not (ready.exists() and ready.read_text() == _stamp()):
            _build(venv)
    return _python_of(venv)


def is_built(root: Path = ROOT) -> bool:
    """Whether the environment is there and up to date (nothing is built)."""
    ready = venv_dir(root) / "ready"
    return ready.exists() and ready.read_text() == _stamp()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is built")
    args = parser.parse_args()
    if args.check:
        print(venv_dir() if is_built() else "not built")
        return 0 if is_built() else 1
    started = time.monotonic()
    try:
        python = ensure_venv()
    except VenvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(python)
    print(f"({time.monotonic() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
