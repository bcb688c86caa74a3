"""A transport in front of the sandbox that changes chosen answers, for the paginator's tests.

``AnswerProxy(sb.url, rule)`` forwards every request to the sandbox; ``rule(n, request,
response)`` sees the n-th request that matched (from 1) with the sandbox's answer and
returns it, or another answer to send instead (``HubSpot(transport=httpx.MockTransport(
proxy))``). A rule may also change the portal in between, as a busy portal would.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

_SENT = ("authorization", "content-type")
_DROPPED = ("content-length", "content-encoding", "transfer-encoding", "connection")

Rule = Callable[[int, httpx.Request, httpx.Response], httpx.Response]


class AnswerProxy:
    """Forwards to a sandbox; requests matching ``path`` and ``method`` go through ``rule``."""

    def __init__(self, url: str, rule: Rule, *, path: str, method: str = "GET"):
        self.inner = httpx.Client(base_url=url)
        self.rule = rule
        self.path = path
        self.method = method
        self.matched = 0
        self.hosts: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        resp = self.inner.request(
            request.method, request.url.path, params=request.url.params, content=request.content,
            headers={k: v for k, v in request.headers.items() if k.lower() in _SENT},
        )  # fmt: skip
        headers = {k: v for k, v in resp.headers.items() if k.lower() not in _DROPPED}
        answer = httpx.Response(resp.status_code, headers=headers, content=resp.content)
        if request.method == self.method and request.url.path == self.path:
            self.matched += 1
            return self.rule(self.matched, request, answer)
        return answer


def json_answer(status: int, data: object, **headers: str) -> httpx.Response:
    """An answer with a JSON body."""
    return httpx.Response(status, json=data, headers=headers)
