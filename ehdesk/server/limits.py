"""Request size limits and gzip request bodies, as plain ASGI middleware (before FastAPI parses
anything). A body over the limit, compressed or once inflated, is refused with 413 and never
reaches the application; a body that is not valid gzip gets 400."""

from __future__ import annotations

import json
import zlib

MAX_BODY = 1024 * 1024  # compressed, as it travels
MAX_INFLATED = 8 * 1024 * 1024
MAX_BLOB_BODY = 9 * 1024 * 1024
BLOB_PREFIX = "/v1/blobs/"


class BodyLimits:
    def __init__(self, app, max_body: int = MAX_BODY, max_inflated: int = MAX_INFLATED) -> None:
        self.app = app
        self.max_body = max_body
        self.max_inflated = max_inflated

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = MAX_BLOB_BODY if scope["path"].startswith(BLOB_PREFIX) else self.max_body
        headers = {k.lower(): v for k, v in scope["headers"]}
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            await _reply(send, 400, "The request's length is not a number.")
            return
        if declared > limit:
            await _reply(send, 413, "The request is too large.")
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _reply(send, 413, "The request is too large.")
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if headers.get(b"content-encoding", b"").strip().lower() == b"gzip":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                body = inflater.decompress(body, self.max_inflated + 1)
                if len(body) > self.max_inflated or inflater.unconsumed_tail:
                    await _reply(send, 413, "The request is too large once unpacked.")
                    return
                if not inflater.eof:
                    raise zlib.error
            except zlib.error:
                await _reply(send, 400, "The request says it is gzip but is not.")
                return
            scope = dict(scope)
            scope["headers"] = [
                (k, v)
                for k, v in scope["headers"]
                if k.lower() not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(body)).encode())]
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _reply(send, status: int, detail: str) -> None:
    payload = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
