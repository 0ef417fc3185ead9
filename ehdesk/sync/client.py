"""The laptop's HTTP client for the council server: gzip both ways (pushes in zstd to a server
that says it takes it), retries with backoff on dropped connections and busy servers, a
short-lived access token renewed from the device's refresh token, and a count of bytes and round
trips (for the status bar and the benchmark).

Errors come out as ``EhdeskError`` subclasses with one plain sentence; nothing personal is logged."""

from __future__ import annotations

import gzip
import ipaddress
import json
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel

from ehdesk.errors import EhdeskError
from ehdesk.sync import framing
from ehdesk.sync import protocol as p

RETRY_STATUSES = frozenset({429, 502, 503, 504})

SERVER_TOO_OLD_TO_SIGN_IN_AGAIN = (
    "The council server needs updating to sign this laptop in again. Ask IT to update it; "
    "your records and unsent changes stay on this laptop."
)


def _zstd(data: bytes) -> bytes:
    """One zstd frame, level 3 (a push batch in an eighth of gzip level 6's time, in fewer bytes).
    A compressor of its own each time: one is not safe to share between threads, and the engine
    compresses the next batch while another thread sends this one."""
    import zstandard  # not at module import, as in ``framing``: only a push needs it

    return zstandard.ZstdCompressor(level=3).compress(data)


class Offline(EhdeskError):
    """The server could not be reached (no signal, server down): try again later."""


class SyncRefused(EhdeskError):
    """The server answered but refused the request."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class SignedOut(SyncRefused):
    """The device's sign-in is no longer valid (revoked, expired): sign in again online."""


class InsecureServerAddress(EhdeskError):
    """A plain-HTTP server address that is not this computer, and ehdesk.toml does not allow it."""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str, allow_plain_http: bool | None = None) -> str:
    """``url`` if it is safe to send a sign-in to: HTTPS, or plain HTTP to this computer itself,
    or plain HTTP where the council's ehdesk.toml says ``allow_plain_http = true``."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:  # "https://[::1", "https://host:99999"
        parts, host = None, ""
    if parts is None or parts.scheme not in ("https", "http") or not host:
        raise EhdeskError(f"The server address {url!r} is not a web address (https://…).")
    if parts.scheme == "https" or _loopback(host):
        return url
    if allow_plain_http is None:
        from ehdesk.config.settings import device_settings

        allow_plain_http = device_settings().allow_plain_http
    if not allow_plain_http:
        raise InsecureServerAddress(
            f"The server address {url} is not encrypted (it starts http://, not https://): "
            "passwords and records would cross the network readable. Ask IT for the https:// "
            "address (or, on a closed test network, for allow_plain_http = true in ehdesk.toml)."
        )
    return url


@dataclass(frozen=True)
class PreparedPush:
    """``SyncClient.prepare_push``: a push request compressed up to its cursor. gzip: the
    compressor's state there, copied to finish it; zstd: a whole frame, the cursor then sent as a
    frame of its own (frames one after the other unpack as one body)."""

    head: bytes
    deflate: Any  # zlib.Compress, for gzip; None for zstd
    encoding: str = "gzip"


class SyncClient:
    def __init__(
        self,
        base_url: str,
        *,
        device_id: str | None = None,
        refresh_token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        on_refresh_token: Callable[[str], object] | None = None,
        allow_plain_http: bool | None = None,
        schema_version: int | None = None,
    ) -> None:
        self.base_url = check_server_url(base_url, allow_plain_http).rstrip("/")
        self.device_id = device_id
        self.refresh_token = refresh_token
        # Refresh tokens are used once (schema 3): the next one must be kept at once, before any
        # other request, or the laptop would later present a used one and be signed out.
        self.on_refresh_token = on_refresh_token
        self.access_token: str | None = None
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        # What this laptop speaks; a lower one makes it behave exactly as a laptop of that release.
        # Read when the client is made (not when this module loads): a laptop may be pinned to the
        # previous version, in tests and when IT holds a fleet back.
        self.schema_version = schema_version if schema_version is not None else p.SCHEMA_VERSION
        # Learnt from the server's replies (``Accept-Encoding: zstd, gzip``, RFC 7694): a server
        # of the release before takes only gzip and never says so.
        self.server_takes_zstd = False
        self.bytes_sent = 0
        self.bytes_received = 0
        self.round_trips = 0
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept-Encoding": "gzip", "User-Agent": "ehdesk-sync"},
        )

    def close(self) -> None:
        self._http.close()

    def _device(self) -> str:
        """This laptop's device id, given at sign-in; the sync calls need it."""
        if self.device_id is None:
            raise SignedOut("This laptop is not signed in to the server. Sign in online again.", 401)
        return self.device_id

    # -- calls --------------------------------------------------------------------------------

    def sign_in(
        self, username: str, password: str, device_name: str = "", device_id: str | None = None
    ) -> p.SignInResponse:
        """``device_id``: sign this laptop's existing device in again (``provision.sign_in_again``)
        instead of registering a new one."""
        request = p.SignInRequest(
            schema_version=self.schema_version,
            username=username,
            password=password,
            device_name=device_name,
            # Only when given: a first sign-in never sends the field (fields left unset are not sent).
            **({"device_id": device_id} if device_id is not None else {}),
        )
        try:
            body = self._send("POST", "/v1/auth/sign-in", request, auth=False)
        except SyncRefused as exc:
            if device_id is not None and exc.status == 422 and "device_id" in exc.message:
                # A server of the release before refuses fields it does not know.
                raise SyncRefused(SERVER_TOO_OLD_TO_SIGN_IN_AGAIN, 422) from None
            raise
        reply = p.SignInResponse.model_validate_json(body)
        self.access_token = reply.access_token
        self.refresh_token = reply.refresh_token
        self.device_id = reply.device_id
        return reply

    def push_encoded(self, mutations_json: str, cursor: int) -> p.PushResponse:
        """Push a batch of outbox changes, written as JSON by ``outbox_batches.read_batch`` (the
        ``mutations`` of a ``PushRequest``, comma-separated): the stored JSON goes out as it is,
        without a model of each change built and encoded again."""
        return self.push_prepared(self.prepare_push(mutations_json), cursor)

    def prepare_push(self, mutations_json: str) -> PreparedPush:
        """A push request compressed up to its last field, the pull cursor, which is known only
        when the batch before is answered: the engine compresses the next batch while the server
        applies one (gzip of 500 changes was a tenth of the time between two batches). zstd once
        a reply of this sync has said the server takes it (``server.limits``), else gzip."""
        head = (
            f'{{"schema_version":{self.schema_version:d},"device_id":{json.dumps(self._device())},'
            f'"mutations":[{mutations_json}],"cursor":'
        ).encode()
        if self.server_takes_zstd and "zstd" in framing.available_codecs():
            return PreparedPush(_zstd(head), None, "zstd")
        deflate = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip, as gzip.compress
        return PreparedPush(deflate.compress(head), deflate)

    def push_prepared(self, prepared: PreparedPush, cursor: int) -> p.PushResponse:
        tail = f"{cursor:d}}}".encode()
        if prepared.encoding == "zstd":
            content = prepared.head + _zstd(tail)
        else:
            rest = prepared.deflate.copy()  # the prepared request stays whole (sent again if need be)
            content = prepared.head + rest.compress(tail) + rest.flush()
        reply = self._send("POST", "/v1/sync/push", None, compressed_json=(content, prepared.encoding))
        return p.PushResponse.model_validate_json(reply)

    def pull(
        self, cursor: int, limit: int = p.DEFAULT_PULL_PAGE, held: dict[str, int] | None = None
    ) -> p.PullResponse:
        """``held`` (schema 3): families this laptop took as a snapshot, and at which revision; a
        laptop that passes it (even empty) takes arriving families as snapshots."""
        extra: dict[str, Any] = (
            {} if held is None else {"snapshot_arrivals": True, **({"held_families": held} if held else {})}
        )
        request = p.PullRequest(
            schema_version=self.schema_version, device_id=self._device(), cursor=cursor, limit=limit, **extra
        )
        return p.PullResponse.model_validate_json(self._send("POST", "/v1/sync/pull", request))

    def refusals(self, seqs: list[int]) -> dict[int, str]:
        """Of these outbox changes, those the server refused, with its reason (a 404 from a server
        of the release before, which cannot say)."""
        request = p.RefusalQuery(schema_version=self.schema_version, device_id=self._device(), seqs=seqs)
        reply = p.RefusalResponse.model_validate_json(self._send("POST", "/v1/sync/refusals", request))
        return {r.seq: r.reason for r in reply.refusals}

    def blobs_missing(self, hashes: list[str]) -> list[str]:
        request = p.BlobQuery(schema_version=self.schema_version, hashes=hashes)
        return p.BlobQueryResponse.model_validate_json(
            self._send("POST", "/v1/blobs/missing", request)
        ).missing

    def put_blob(self, sha256: str, data: bytes, media_type: str, family_id: str | None) -> None:
        params = {"schema_version": self.schema_version, "media_type": media_type}
        if family_id:
            params["family_id"] = family_id
        self._send("PUT", f"/v1/blobs/{sha256}", None, raw=data, params=params)

    def put_blobs(self, blobs: list[tuple[str, str, str | None, bytes]]) -> list[p.BlobBatchResult]:
        """Many blobs in one request (schema 3): (sha256, media_type, family_id, data) each."""
        body = framing.pack_blob_batch(self.schema_version, blobs)
        reply = self._send("POST", "/v1/blobs/batch", None, raw=body)
        return p.BlobBatchResponse.model_validate_json(reply).results

    def snapshot(
        self, revision: int, after: int, chunk_rows: int = 5000, families: list[str] | None = None
    ) -> Iterator[framing.Frame]:
        """The frames of a snapshot (of ``families`` only, when given), as they arrive. A stream
        that ends part-way through a frame raises ``Offline``; the frames before it were whole."""
        request = p.SnapshotRequest(
            schema_version=self.schema_version,
            device_id=self._device(),
            revision=revision,
            after=after,
            codecs=framing.available_codecs(),
            chunk_rows=chunk_rows,
            **({"families": families} if families else {}),
        )
        content = gzip.compress(request.model_dump_json(exclude_unset=True).encode(), compresslevel=6)
        for attempt in range(2):
            if self.access_token is None:
                self._renew()
            headers = {
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Authorization": f"Bearer {self.access_token}",
            }
            try:
                with self._http.stream(
                    "POST", "/v1/sync/snapshot", content=content, headers=headers
                ) as response:
                    self.round_trips += 1
                    self.bytes_sent += len(content) + 200
                    if response.status_code == 401 and attempt == 0:
                        self.access_token = None
                        continue
                    if response.status_code >= 400:
                        response.read()
                        raise _refusal(response, self.base_url)
                    reader = framing.FrameReader(response.headers.get("x-ehdesk-codec", "gzip"))
                    self.bytes_received += 150
                    for data in response.iter_raw():
                        self.bytes_received += len(data)
                        yield from reader.feed(data)
                    if reader.pending:
                        raise Offline("The connection dropped part-way through the first sync.")
                    return
            except httpx.TransportError:
                raise Offline(
                    "The council server cannot be reached. Your changes are kept on this laptop."
                ) from None
            except framing.BadFrame:
                raise Offline(
                    "The first sync arrived damaged; it will carry on from where it stopped."
                ) from None

    def fetch_blobs(self, hashes: list[str]) -> list[p.BlobData]:
        request = p.BlobFetch(schema_version=self.schema_version, hashes=hashes)
        return p.BlobFetchResponse.model_validate_json(self._send("POST", "/v1/blobs/fetch", request)).blobs

    def get_blob(self, sha256: str) -> bytes:
        return self._send("GET", f"/v1/blobs/{sha256}", None, params={"schema_version": self.schema_version})

    def sign_out(self) -> None:
        self._send("POST", "/v1/auth/sign-out", None)

    # -- plumbing -----------------------------------------------------------------------------

    def _renew(self) -> None:
        if not (self.refresh_token and self.device_id):
            raise SignedOut("This laptop is not signed in to the server. Sign in online again.", 401)
        request = p.RefreshRequest(
            schema_version=self.schema_version, device_id=self.device_id, refresh_token=self.refresh_token
        )
        try:
            body = self._send("POST", "/v1/auth/refresh", request, auth=False)
        except SyncRefused as exc:
            if exc.status == 401:
                raise SignedOut(
                    "The council server no longer accepts this laptop's sign-in. Sign in online again.", 401
                ) from None
            raise
        reply = p.TokenResponse.model_validate_json(body)
        if reply.refresh_token:
            self.refresh_token = reply.refresh_token
            if self.on_refresh_token is not None:
                self.on_refresh_token(reply.refresh_token)
        self.access_token = reply.access_token

    def _send(
        self,
        method: str,
        path: str,
        model: BaseModel | None,
        *,
        auth: bool = True,
        raw: bytes | None = None,
        json_body: bytes | None = None,
        compressed_json: tuple[bytes, str] | None = None,
        params: dict | None = None,
    ) -> bytes:
        headers = {}
        content = None
        if model is not None:
            # Fields left at their defaults are not sent: a server that predates a field still
            # understands a request that does not use it.
            json_body = model.model_dump_json(exclude_unset=True).encode()
        if json_body is not None:
            compressed_json = (gzip.compress(json_body, compresslevel=6), "gzip")
        if compressed_json is not None:
            content, encoding = compressed_json
            headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
        elif raw is not None:
            content = raw
            headers = {"Content-Type": "application/octet-stream"}
        renewed = False
        attempt = 0
        while True:
            if auth and self.access_token is None:
                self._renew()
                renewed = True
            if auth:
                headers["Authorization"] = f"Bearer {self.access_token}"
            try:
                response = self._http.request(method, path, content=content, headers=headers, params=params)
                self.round_trips += 1
                self.bytes_sent += len(content or b"") + 200  # ~ request line and headers
                self.bytes_received += response.num_bytes_downloaded + 150
            except httpx.TransportError:
                response = None
            if response is not None and "zstd" in response.headers.get("accept-encoding", ""):
                self.server_takes_zstd = True
            if response is not None and response.status_code < 400:
                return response.content
            if response is not None and response.status_code == 401 and auth and not renewed:
                self.access_token = None
                continue
            if (
                response is not None
                and response.status_code not in RETRY_STATUSES
                and response.status_code < 500
            ):
                raise _refusal(response, self.base_url)
            attempt += 1
            if attempt > self.retries:
                if response is None:
                    raise Offline(
                        "The council server cannot be reached. Your changes are kept on this laptop."
                    )
                raise _refusal(response, self.base_url)
            self.sleep(min(self.backoff * 2 ** (attempt - 1), 30.0))


def _refusal(response: httpx.Response, server: str = "") -> SyncRefused:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if response.status_code == 404 and detail in (None, "Not Found"):
        # Not one of the server's own 404s (each says what was not found): the address leads to
        # something that has no such endpoint, such as a path after the server's address or
        # another web site. Was "Not Found".
        return SyncRefused(
            f"The address {server or 'given'} does not lead to an ehdesk server: give the server's "
            "own address, with nothing after it (as https://ehdesk.council.example).",
            404,
        )
    if not isinstance(detail, str):
        detail = f"The council server refused the request ({response.status_code})."
    if response.status_code == 401:
        return SignedOut(detail, 401)
    return SyncRefused(detail, response.status_code)
