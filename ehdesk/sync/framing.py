"""Binary framing shared by the server and the laptop for the two bulk paths: snapshot chunks
(server -> laptop) and blob batches (laptop -> server).

A snapshot response is a sequence of frames, each ``4-byte big-endian length + compressed
payload``. A payload, once unpacked, is one JSON header line, then one section per table (a JSON
array of that table's rows, ``[revision, {the whole row}]``, its
length in the header), then the blobs' bytes back to back in the order the header lists them. A
table's section is parsed once on the laptop and written with one executemany. A frame is the
unit of atomicity on the laptop: applied whole, or not at all (several frames share a transaction,
``ehdesk.sync.snapshot``).

One compressed stream runs through a whole response, flushed at the end of every frame: a frame
can be unpacked as soon as it arrives, and later frames reuse what earlier ones taught the
compressor (the rows of a table look alike; "zstd-long" remembers 64 MB of them), which brings a
first sync within 1.3x of brotli-11.
A resumed snapshot is a new response, so a new stream. Compression is zstd where both sides have
``zstandard`` (faster than gzip at a much better ratio), else gzip; the laptop says which it can
read and the server picks."""

from __future__ import annotations

import json
import queue
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import orjson

try:  # optional: gzip is always there, zstd when the package is installed
    import zstandard
except ImportError:  # pragma: no cover - exercised by the gzip fallback test through CODECS
    zstandard = None  # type: ignore[assignment]  # the module or nothing: every use checks first

T = TypeVar("T")

LENGTH = struct.Struct(">I")
# Frames are small enough for a 2 GB laptop to hold two in memory (one read ahead, one written).
MAX_FRAME_BYTES = 64 * 1024 * 1024
# zstd codecs by name: (level, window log). "zstd-long" reaches back 64 MB, across a dozen frames;
# it has a name of its own because a laptop of the previous release holds only a 16 MB window: it
# offers "zstd" and is sent that. Both match no fewer than ``MIN_MATCH`` bytes (zstd's default at
# these levels is 5): the rows are JSON full of random ids, where a 4- or 5-byte match inside an
# id costs more to describe than it saves, and the search for them is most of the compressor's
# time. On 1,000 demo families (41.9 MB of rows, brotli-11 1.96 MB): level 7 with 6-byte matches
# makes 2.46 MB (1.25x) in 0.25-0.30 s of the server's CPU, where level 10 with the default made
# 2.48 MB (1.27x) in 0.45-0.51 s; at the 16 MB window 2.49 MB (1.27x) in 0.26 s, against level
# 9's 2.58 MB (1.32x) in 0.37 s. (Level 8 with 6-byte matches: 2.39 MB, 1.22x, in 0.33-0.41 s.)
# Only the server's compressor changes: any zstd decoder reads these frames.
ZSTD_CODECS = {"zstd-long": (7, 26), "zstd": (7, 24)}
MIN_MATCH = 6
GZIP_LEVEL = 6


def available_codecs() -> list[str]:
    """What this side can read and write, best first."""
    return ([*ZSTD_CODECS] if zstandard is not None else []) + ["gzip"]


def choose_codec(offered: list[str]) -> str:
    mine = available_codecs()
    for codec in mine:
        if codec in offered:
            return codec
    return "gzip"


class BadFrame(ValueError):
    """A frame that is cut short, too large or does not unpack."""


@dataclass
class Frame:
    header: dict[str, Any]
    # (table, JSON array of its rows as UTF-8 bytes or text, how many rows)
    sections: list[tuple[str, str | bytes, int]] = field(default_factory=list)
    # sha256 -> (bytes, media_type, family_id)
    blobs: dict[str, tuple[bytes, str, str | None]] = field(default_factory=dict)
    # table -> parameter tuples, when the laptop has turned the sections into them ahead of writing
    prepared: dict[str, list] | None = None

    @property
    def last(self) -> bool:
        return bool(self.header.get("last"))

    @property
    def row_count(self) -> int:
        return sum(count for _, _, count in self.sections)

    def rows(self) -> list[list[Any]]:
        """Every row decoded (for tests and the rare row that needs Python)."""
        return [row for _, text, _ in self.sections for row in parse_section(text)]


def parse_section(text: str | bytes) -> list[Any]:
    """A section's rows, parsed. orjson reads the sections' tens of megabytes in half the time of
    ``json.loads`` (a sixth of a first sync's laptop CPU, on the thread that must share the
    interpreter with the writes). What it refuses and ``json`` reads (an integer beyond 64 bits,
    NaN, a lone surrogate: none of which a server sends) is read by ``json``, so nothing that parsed
    before fails now."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _payload(header: dict[str, Any], sections: list[tuple[str, bytes, int]], blob_data: list[bytes]) -> bytes:
    header = {**header, "sections": [[table, len(body), count] for table, body, count in sections]}
    return b"".join(
        [
            json.dumps(header, separators=(",", ":")).encode(),
            b"\n",
            *(body for _, body, _ in sections),
            *blob_data,
        ]
    )


class _CompressStream(Protocol):
    """What zstd's and zlib's compression objects have in common."""

    def compress(self, data: bytes, /) -> bytes: ...
    def flush(self, mode: int, /) -> bytes: ...


class FrameWriter:
    """The server's side of one response: frames through one compressed stream."""

    def __init__(self, codec: str) -> None:
        self.codec = codec
        if codec in ZSTD_CODECS:
            level, window_log = ZSTD_CODECS[codec]
            params = zstandard.ZstdCompressionParameters.from_level(
                level, window_log=window_log, min_match=MIN_MATCH
            )
            self._stream: _CompressStream = zstandard.ZstdCompressor(compression_params=params).compressobj()
            self._mode = zstandard.COMPRESSOBJ_FLUSH_BLOCK
        else:
            self._stream = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            self._mode = zlib.Z_SYNC_FLUSH

    def frame(
        self, header: dict[str, Any], sections: list[tuple[str, bytes, int]], blob_data: list[bytes]
    ) -> bytes:
        """``sections``: (table, JSON array of its rows, count); the server splices stored JSON in."""
        payload = _payload(header, sections, blob_data)
        body = self._stream.compress(payload) + self._stream.flush(self._mode)
        return LENGTH.pack(len(body)) + body


def unpack_payload(payload: bytes) -> Frame:
    newline = payload.find(b"\n")
    if newline < 0:
        raise BadFrame("no header")
    header = json.loads(payload[:newline])
    offset = newline + 1
    sections: list[tuple[str, str | bytes, int]] = []
    for table, size, count in header.get("sections", []):
        sections.append((table, payload[offset : offset + size], count))  # read as UTF-8 JSON
        offset += size
    blobs = {}
    for sha256, media_type, family_id, size in header.get("blobs", []):
        blobs[sha256] = (payload[offset : offset + size], media_type, family_id)
        offset += size
    if offset != len(payload):
        raise BadFrame("frame length does not match its header")
    return Frame(header=header, sections=sections, blobs=blobs)


class FrameReader:
    """The laptop's side: cuts a byte stream into frames and unpacks each through the response's
    one decompression stream. Whatever is left when the stream ends was cut off."""

    def __init__(self, codec: str) -> None:
        self.codec = codec
        self._buffer = bytearray()
        if codec in ZSTD_CODECS:
            if zstandard is None:
                raise BadFrame("zstd frames but no zstandard here")
            window = 1 << ZSTD_CODECS[codec][1]
            self._zstd = zstandard.ZstdDecompressor(max_window_size=window).decompressobj()
        else:
            self._gzip = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _unpack(self, body: bytes) -> bytes:
        try:
            if self.codec in ZSTD_CODECS:
                out = self._zstd.decompress(body)
            else:
                out = self._gzip.decompress(body, MAX_FRAME_BYTES + 1)
                if self._gzip.unconsumed_tail:
                    raise BadFrame("frame too large")
        except (zlib.error, getattr(zstandard, "ZstdError", zlib.error)) as exc:
            raise BadFrame(str(exc)) from None
        if len(out) > MAX_FRAME_BYTES:
            raise BadFrame("frame too large")
        return out

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames = []
        while len(self._buffer) >= LENGTH.size:
            (size,) = LENGTH.unpack_from(self._buffer)
            if size > MAX_FRAME_BYTES:
                raise BadFrame("frame too large")
            if len(self._buffer) < LENGTH.size + size:
                break
            body = bytes(self._buffer[LENGTH.size : LENGTH.size + size])
            del self._buffer[: LENGTH.size + size]
            frames.append(unpack_payload(self._unpack(body)))
        return frames

    @property
    def pending(self) -> int:
        return len(self._buffer)


def read_ahead(items: Iterator[T], prepare: Callable[[T], T] | None = None, depth: int = 2) -> Iterator[T]:
    """The next ``items`` made (and ``prepare``d) on a thread while this one is used: the laptop
    reads, unpacks and turns frames into tuples while it writes one, the server queries the log
    for the next frame while it compresses one (zstd lets go of the interpreter meanwhile). Errors
    come out where the item would have."""
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False  # the consumer has gone

    def run() -> None:
        try:
            for item in items:
                if prepare is not None:
                    item = prepare(item)
                if not hand_over(("item", item)):
                    return
            hand_over(("end", None))
        except BaseException as exc:  # noqa: BLE001  (handed to the consumer)
            hand_over(("error", exc))
        finally:
            close = getattr(items, "close", None)  # a generator: end the HTTP stream (or transaction) now
            if close is not None:
                close()

    reader = threading.Thread(target=run, name="ehdesk-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            kind, item = ahead.get()
            if kind == "item":
                yield item
            elif kind == "end":
                return
            else:
                raise item
    finally:
        stop.set()


# -- blob batches (laptop -> server) ------------------------------------------------------------

# A batch stays under the server's 9 MB blob body limit with room for its header.
MAX_BATCH_DATA = 8 * 1024 * 1024
MAX_BATCH_BLOBS = 500


def pack_blob_batch(schema_version: int, blobs: list[tuple[str, str, str | None, bytes]]) -> bytes:
    """``blobs``: (sha256, media_type, family_id, data). Sent as is: signatures and PDFs are
    already compressed, so packing them again only costs time."""
    header = {
        "schema_version": schema_version,
        "blobs": [
            [sha256, media_type, family_id, len(data)] for sha256, media_type, family_id, data in blobs
        ],
    }
    return b"".join([json.dumps(header, separators=(",", ":")).encode(), b"\n", *(b[3] for b in blobs)])


def unpack_blob_batch(body: bytes) -> tuple[dict[str, Any], list[tuple[str, str, str | None, bytes]]]:
    newline = body.find(b"\n")
    if newline < 0:
        raise BadFrame("The batch has no header.")
    try:
        header = json.loads(body[:newline])
        entries = header["blobs"]
        offset = newline + 1
        blobs = []
        for sha256, media_type, family_id, size in entries:
            if not isinstance(size, int) or size < 0:
                raise BadFrame("A blob's size is not a number.")
            blobs.append((sha256, media_type, family_id, body[offset : offset + size]))
            offset += size
    except (ValueError, KeyError, TypeError) as exc:
        raise BadFrame("The batch's header is malformed.") from exc
    if offset != len(body):
        raise BadFrame("The batch's length does not match its header.")
    return header, blobs
