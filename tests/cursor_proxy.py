"""A transport in front of the sandbox that changes what the list endpoint's ``after`` means.

HubSpot documents ``after`` as the id of the next record, and the sandbox does
exactly that; exports check it before starting cursors of their own. This
stands for a server that behaves otherwise, for tests and child processes alike:
``HubSpot(..., transport=httpx.MockTransport(CursorProxy(url, "opaque")))``.
"""

from __future__ import annotations

import json
import re
import threading

import httpx

_LIST_PATH = re.compile(r"/crm/(?:v3/objects|objects/\d{4}-\d{2})/[\w-]+")  # legacy or dated
_SENT = ("authorization", "content-type")  # request headers passed on
_DROPPED = ("content-length", "content-encoding", "transfer-encoding", "connection")  # re-made


class CursorProxy:
    """An httpx transport handler that forwards to a sandbox and changes what ``after`` means.

    Modes:
        ``opaque``: cursors become ``c-<id>`` (read back without any state, so a cursor
            from an earlier process still works); any other ``after`` is a 400.
        ``rejected``: cursors stay numeric, but one not handed out is a 400.
        ``ignored``: cursors stay numeric; one not handed out is ignored (the first page again).
        ``shuffled``: honest cursors, but each list page comes in descending id order.
    """

    def __init__(self, url: str, mode: str):
        self.inner = httpx.Client(base_url=url)
        self.mode = mode
        self.issued: set[str] = set()
        self.lock = threading.Lock()

    def _after(self, after: str) -> str | None | httpx.Response:
        """The sandbox's cursor for ``after``, None to drop it, or the answer to send instead."""
        if self.mode == "shuffled":
            return after
        if self.mode == "opaque":
            if after.startswith("c-"):
                return after[2:]
        with self.lock:
            known = after in self.issued
        if known:
            return after
        if self.mode == "ignored":
            return None
        return httpx.Response(
            400,
            json={
                "status": "error",
                "message": f"Invalid cursor {after}",
                "category": "VALIDATION_ERROR",
            },
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        is_list = request.method == "GET" and _LIST_PATH.fullmatch(request.url.path) is not None
        if is_list and "after" in params:
            after = self._after(params.pop("after"))
            if isinstance(after, httpx.Response):
                return after
            if after is not None:
                params["after"] = after
        resp = self.inner.request(
            request.method, request.url.path, params=params, content=request.content,
            headers={k: v for k, v in request.headers.items() if k.lower() in _SENT},
        )  # fmt: skip
        body = resp.content
        if is_list and resp.status_code == 200:
            data = resp.json()
            nxt = (data.get("paging") or {}).get("next")
            if nxt:
                nxt.pop("link", None)
                if self.mode == "opaque":
                    nxt["after"] = "c-" + nxt["after"]
                with self.lock:
                    self.issued.add(nxt["after"])
            if self.mode == "shuffled":
                data["results"].reverse()
            body = json.dumps(data).encode()
        headers = {
            k: v for k, v in resp.headers.items()
            if k.lower() not in _DROPPED
        }  # fmt: skip
        return httpx.Response(resp.status_code, headers=headers, content=body)
