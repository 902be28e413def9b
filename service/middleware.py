"""ASGI middleware that guards request bodies: size cap (413) and UTF-8 check (400) before any parsing."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import error_body

_BODY_METHODS = {"POST", "PUT", "PATCH"}


async def _reply(send: Send, status: int, code: str, detail: str) -> None:
    body = json.dumps(error_body(code, detail), ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyGuardMiddleware:
    """Refuse bodies over `max_bytes` with 413 and non-UTF-8 JSON bodies with 400, in the error shape."""

    def __init__(self, app: ASGIApp, max_bytes_getter: Any) -> None:
        self.app = app
        self.max_bytes_getter = max_bytes_getter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        max_bytes = int(self.max_bytes_getter())
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await _reply(send, 413, "payload_too_large", f"request body over {max_bytes} bytes (请求体过大)")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await _reply(
                    send, 413, "payload_too_large", f"request body over {max_bytes} bytes (请求体过大)"
                )
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if body and (content_type in (b"", b"application/json") or content_type.endswith(b"+json")):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                await _reply(
                    send,
                    400,
                    "invalid_utf8",
                    f"request body is not valid UTF-8 at byte {exc.start} (请求体不是合法的 UTF-8 编码)",
                )
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
