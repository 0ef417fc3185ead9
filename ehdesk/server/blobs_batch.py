"""Many blobs in one upload (schema 3): a laptop with 14,000 signatures sends them in a few dozen
requests instead of 14,000. Each blob is checked as a single upload is (its content must match its
hash, it must not be too large, its family must be in the worker's scope), and all of a batch's
good blobs are stored in one transaction. The reply names each blob's fate, so the laptop records
exactly the ones the server now holds."""

from __future__ import annotations

import hashlib
import re

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ehdesk.server.authn import authenticate
from ehdesk.server.changelog import Revisions
from ehdesk.server.db import transaction
from ehdesk.server.deps import check_version
from ehdesk.server.openapi import AUTHENTICATED
from ehdesk.server.routes.blobs import MEDIA_TYPE, store_blobs
from ehdesk.sync import framing
from ehdesk.sync import protocol as p

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MEDIA_TYPE = re.compile(MEDIA_TYPE)
_FAMILY_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,36}$")

router = APIRouter()


@router.post("/v1/blobs/batch", response_model=p.BlobBatchResponse, responses={**AUTHENTICATED})
async def upload_batch(request: Request) -> p.BlobBatchResponse:
    body = await request.body()
    try:
        header, blobs = framing.unpack_blob_batch(body)
    except framing.BadFrame as exc:
        raise HTTPException(422, str(exc)) from None
    version = header.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise HTTPException(422, "The batch does not say its schema version.")
    check_version(version)
    if set(header) != {"schema_version", "blobs"} or len(blobs) > framing.MAX_BATCH_BLOBS:
        raise HTTPException(422, "The batch's header is malformed.")
    for sha256, media_type, family_id, _ in blobs:
        if (
            not isinstance(sha256, str)
            or not _SHA256.match(sha256)
            or not isinstance(media_type, str)
            or not _MEDIA_TYPE.match(media_type)
            or not (family_id is None or (isinstance(family_id, str) and _FAMILY_ID.match(family_id)))
        ):
            raise HTTPException(422, "The batch names a document wrongly.")
    # Run in the thread pool like the other routes: the checks and inserts are blocking work.
    return await run_in_threadpool(_store, request, blobs)


def _store(request: Request, blobs) -> p.BlobBatchResponse:
    results: dict[str, str] = {}
    with transaction(request.app.state.factory) as s:
        principal = authenticate(s, request)
        checked = []
        for sha256, media_type, family_id, data in blobs:
            if sha256 in results:
                continue
            if len(data) > p.MAX_BLOB_BYTES or hashlib.sha256(data).hexdigest() != sha256:
                results[sha256] = "bad"
                continue
            results[sha256] = ""  # its fate comes from store_blobs, in the batch's order
            checked.append((sha256, media_type, family_id, data))
        # The same rules as a single upload (scope, per-family ownership, the log), audited alike.
        results.update(store_blobs(s, principal, Revisions(s), checked))
    return p.BlobBatchResponse(results=[p.BlobBatchResult(sha256=h, status=st) for h, st in results.items()])
