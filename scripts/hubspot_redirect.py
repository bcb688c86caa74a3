"""Send this Python environment's HubSpot API requests to another host (a hubframe sandbox).

Airbyte's HubSpot connector has ``https://api.hubapi.com`` written into its code and
its manifest, and no setting changes it. Rather than edit the connector, this module
is placed in the connector's own virtual environment next to a ``.pth`` file that
imports it whenever that environment's Python starts (``scripts/airbyte_venv.py``
installs both). When ``HUBFRAME_SANDBOX_URL`` is set (``http://127.0.0.1:PORT``), every
request that ``requests`` sends to HubSpot's API hosts goes to that URL instead, same
path and query; with the variable unset it changes nothing. A proxy setting would not
do: the connector speaks HTTPS to HubSpot, so a proxy would have to forge HubSpot's
certificate.

It runs inside the connector's environment, not hubframe's, so it imports nothing of
hubframe and only the standard library until ``requests`` is there to patch.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["ENV_VAR", "HUBSPOT_HOSTS", "redirected"]

ENV_VAR = "HUBFRAME_SANDBOX_URL"
HUBSPOT_HOSTS = ("https://api.hubapi.com", "https://api.hubspot.com")


def redirected(url: str, target: str) -> str:
    """``url`` with a HubSpot API host replaced by ``target``; other URLs unchanged."""
    for host in HUBSPOT_HOSTS:
        if url == host or url.startswith(host + "/") or url.startswith(host + "?"):
            return target.rstrip("/") + url[len(host) :]
    return url


def _install(target: str) -> None:
    try:
        import requests.sessions
    except ImportError:  # the environment is still being built: nothing to redirect yet
        return
    send = requests.sessions.Session.send
    if getattr(send, "hubframe_redirect", False):
        return

    def send_redirected(self: Any, request: Any, **kwargs: Any) -> Any:
        request.url = redirected(request.url, target)
        return send(self, request, **kwargs)

    send_redirected.hubframe_redirect = True  # type: ignore[attr-defined]
    requests.sessions.Session.send = send_redirected  # type: ignore[method-assign]


if os.environ.get(ENV_VAR):
    _install(os.environ[ENV_VAR])
