"""Many blobs in one upload (schema 3): a laptop with 14,000 signatures sends them in a few dozen
requests instead of 14,000. Each blob is checked as a single upload is (its content must match its
hash, it must not be too large, its family must be in the worker's scope), and all of a batch's
good blobs are stored in one transaction. The reply names each blob's fate, so the laptop records
exactly the ones the server now holds."""

from __future__ import annotations

import hashlib
import re

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from ehdesk.models import Blob, Family
from ehdesk.server import admin
from ehdesk.server.changelog import Revisions
from ehdesk.server.db import transaction
from ehdesk.server.models import ServerAudit
from ehdesk.sync import framing
from ehdesk.sync import protocol as p

_SHA256 = re.compile(r"^[0-9a-f]{64}$")

router = APIRouter()


@router.post("/v1/blobs/batch", response_model=p.BlobBatchResponse)
async def upload_batch(request: Request) -> p.BlobBatchResponse:
    from ehdesk.server import app as server_app

    body = await request.body()
    try:
        header, blobs = framing.unpack_blob_batch(body)
    except framing.BadFrame as exc:
        raise HTTPException(422, str(exc)) from None
    version = header.get("schema_version")
    if not isinstance(version, int):
        raise HTTPException(422, "The batch does not say its schema version.")
    server_app._check_version(version)
    if set(header) != {"schema_version", "blobs"} or len(blobs) > framing.MAX_BATCH_BLOBS:
        raise HTTPException(422, "The batch's header is malformed.")
    for sha256, media_type, family_id, _ in blobs:
        if (
            not isinstance(sha256, str)
            or not _SHA256.match(sha256)
            or not isinstance(media_type, str)
            or len(media_type) > 60
            or not (family_id is None or (isinstance(family_id, str) and len(family_id) <= 36))
        ):
            raise HTTPException(422, "The batch names a document wrongly.")
    factory = request.app.state.factory
    return _store(factory, request, server_app, blobs)


def _store(factory, request: Request, server_app, blobs) -> p.BlobBatchResponse:
    results: dict[str, str] = {}
    refused: list[tuple[str, str | None]] = []
    with transaction(factory) as s:
        principal = server_app._authenticate(s, request)
        families = {f for _, _, f, _ in blobs if f}
        teams = (
            dict(s.execute(select(Family.id, Family.team_id).where(Family.id.in_(sorted(families)))).all())
            if families
            else {}
        )
        present = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_([b[0] for b in blobs]))))
        revisions = Revisions(s)
        for sha256, media_type, family_id, data in blobs:
            if sha256 in results:
                continue
            if len(data) > p.MAX_BLOB_BYTES or hashlib.sha256(data).hexdigest() != sha256:
                results[sha256] = "bad"
                continue
            if family_id is not None and (
                family_id not in teams or not principal.team_in_scope(teams[family_id])
            ):
                results[sha256] = "refused"
                refused.append((sha256, family_id))
                continue
            if sha256 in present:
                results[sha256] = "present"
                continue
            blob = Blob(sha256=sha256, family_id=family_id, media_type=media_type, size=len(data), data=data)
            s.add(blob)
            admin.log_blob(s, revisions, blob)
            results[sha256] = "stored"
        for sha256, family_id in refused:
            # Audited like a refused single upload; kept in this transaction, which commits.
            s.add(
                ServerAudit(
                    user_id=principal.user_id,
                    device_id=principal.device_id,
                    action="refused_write",
                    entity="blob",
                    entity_id=sha256,
                    family_id=family_id,
                )
            )
    return p.BlobBatchResponse(results=[p.BlobBatchResult(sha256=h, status=st) for h, st in results.items()])
