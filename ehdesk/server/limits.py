"""Request size limits and compressed request bodies (gzip, or zstd), as plain ASGI middleware
(before FastAPI parses anything). A body over the limit, compressed or once inflated, is refused
with 413 and never reaches the application; a body that is not what its encoding says gets 400.

The reply to a large request says which request encodings this server takes (``Accept-Encoding:
zstd, gzip``, as RFC 7694 lets a server say): a laptop compresses its pushes with zstd only once a
reply of the same sync has said so, so a server of the release before, which takes only gzip, is
never sent zstd. zstd level 3 takes an eighth of gzip level 6's time for a push batch, in fewer
bytes. Small requests' replies do not say it: a one-field sync would carry 29 bytes more each way
for nothing (the 2 KB budget of issue 20)."""

from __future__ import annotations

import json
import zlib

try:  # as in ``sync.framing``: gzip always, zstd when the package is installed
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None  # type: ignore[assignment]

MAX_BODY = 1024 * 1024  # compressed, as it travels
MAX_INFLATED = 8 * 1024 * 1024
MAX_BLOB_BODY = 9 * 1024 * 1024
BLOB_PREFIX = "/v1/blobs/"
# What a reply says this server takes as a request's Content-Encoding, and from what size of
# request as sent (a push batch of 500 changes is 40-60 KB; a one-field push about 600 bytes).
REQUEST_ENCODINGS = b"zstd, gzip" if zstandard is not None else b"gzip"
SAY_ENCODINGS_FROM = 16 * 1024
_NOT_WHAT_IT_SAYS = (zlib.error, zstandard.ZstdError) if zstandard is not None else (zlib.error,)


class _TooLarge(Exception):
    pass


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
        say_encodings = len(body) >= SAY_ENCODINGS_FROM
        encoding = headers.get(b"content-encoding", b"").strip().lower()
        if encoding == b"gzip" or (encoding == b"zstd" and zstandard is not None):
            try:
                body = _inflate(body, encoding, self.max_inflated)
            except _TooLarge:
                await _reply(send, 413, "The request is too large once unpacked.")
                return
            except _NOT_WHAT_IT_SAYS:
                await _reply(send, 400, f"The request says it is {encoding.decode()} but is not.")
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

        if not say_encodings:
            await self.app(scope, replay, send)
            return

        async def send_saying_encodings(message):
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", ()), (b"accept-encoding", REQUEST_ENCODINGS)],
                }
            await send(message)

        await self.app(scope, replay, send_saying_encodings)


def _inflate(body: bytes, encoding: bytes, limit: int) -> bytes:
    """The body unpacked, never more than ``limit`` bytes of it held (a few kilobytes of zstd can
    unpack to gigabytes). zstd may come as several frames, one after the other: a push request is
    compressed up to its last field before that field is known."""
    if encoding == b"gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = inflater.decompress(body, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise _TooLarge
        if not inflater.eof:
            raise zlib.error
        return out
    unpacked = bytearray()
    with zstandard.ZstdDecompressor().stream_reader(body, read_across_frames=True) as reader:
        while chunk := reader.read(1 << 20):
            unpacked += chunk
            if len(unpacked) > limit:
                raise _TooLarge
    return bytes(unpacked)


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
