"""Content-addressed documents (signatures, PDFs): which are missing, upload, download."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from sqlalchemy import select

from ehdesk.models import Blob
from ehdesk.server import admin
from ehdesk.server.changelog import Revisions
from ehdesk.server.deps import CurrentPrincipal, DbSession, check_version, error, refuse
from ehdesk.server.scope import family_in_scope
from ehdesk.sync import protocol as p

router = APIRouter()


@router.post("/v1/blobs/missing", response_model=p.BlobQueryResponse)
def blobs_missing(body: p.BlobQuery, s: DbSession, principal: CurrentPrincipal) -> p.BlobQueryResponse:
    check_version(body.schema_version)
    wanted = sorted(set(body.hashes))
    have = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted)))) if wanted else set()
    return p.BlobQueryResponse(missing=[h for h in wanted if h not in have])


@router.post("/v1/blobs/fetch", response_model=p.BlobFetchResponse)
def blobs_fetch(body: p.BlobFetch, s: DbSession, principal: CurrentPrincipal) -> p.BlobFetchResponse:
    """Several blobs in one round trip (a first sync may need thousands of signatures)."""
    check_version(body.schema_version)
    found, size = [], 0
    for blob in s.scalars(select(Blob).where(Blob.sha256.in_(sorted(set(body.hashes))))):
        if blob.family_id and not family_in_scope(s, principal, blob.family_id):
            refuse(s, principal, "refused_read", "blob", blob.sha256, blob.family_id)
            continue
        if found and size + blob.size > p.MAX_FETCH_BYTES:
            break
        size += blob.size
        found.append(
            p.BlobData(
                sha256=blob.sha256,
                media_type=blob.media_type,
                family_id=blob.family_id,
                data_b64=base64.b64encode(blob.data).decode(),
            )
        )
    return p.BlobFetchResponse(blobs=found)


async def _raw_body(request: Request) -> bytes:
    return await request.body()


@router.put("/v1/blobs/{sha256}", response_model=p.BlobStored)
def put_blob(
    sha256: str,
    data: Annotated[bytes, Depends(_raw_body)],
    s: DbSession,
    principal: CurrentPrincipal,
    schema_version: int = Query(...),
    media_type: str = Query(..., max_length=60),
    family_id: str | None = Query(None, max_length=36),
) -> Response | p.BlobStored:
    check_version(schema_version)
    if len(sha256) != 64 or hashlib.sha256(data).hexdigest() != sha256:
        raise HTTPException(422, "The document's content does not match its name.")
    if len(data) > p.MAX_BLOB_BYTES:
        raise HTTPException(413, "The document is too large.")
    if family_id is not None and not family_in_scope(s, principal, family_id):
        refuse(s, principal, "refused_write", "blob", sha256, family_id)
        return error(404, "There is no such family.")
    if s.get(Blob, sha256) is not None:
        return p.BlobStored(stored=False)
    blob = Blob(sha256=sha256, family_id=family_id, media_type=media_type, size=len(data), data=data)
    s.add(blob)
    admin.log_blob(s, Revisions(s), blob)
    return p.BlobStored(stored=True)


@router.get("/v1/blobs/{sha256}")
def get_blob(
    sha256: str, s: DbSession, principal: CurrentPrincipal, schema_version: int = Query(...)
) -> Response:
    check_version(schema_version)
    blob = s.get(Blob, sha256)
    if blob is not None and (not blob.family_id or family_in_scope(s, principal, blob.family_id)):
        return Response(content=blob.data, media_type=blob.media_type)
    refuse(s, principal, "refused_read", "blob", sha256, blob.family_id if blob is not None else None)
    return error(404, "There is no such document.")
