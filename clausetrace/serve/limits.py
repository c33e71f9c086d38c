"""Request limits: a body larger than the limit is refused with 413 before any endpoint runs."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

Scope = dict[str, Any]


def error_body(status: int, code: str, message: str) -> JSONResponse:
    """The one error shape of the API: {"error": code, "message": one line, "status": status}."""
    line = " ".join(message.split())
    return JSONResponse({"error": code, "message": line, "status": status}, status_code=status)


class BodyLimit:
    """ASGI middleware: read at most max_bytes of a request body (declared or streamed), else 413."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Any, send: Any) -> None:
        response = error_body(413, "too_large", f"the request body is larger than {self.max_bytes} bytes")
        await response(scope, receive, send)
