"""Content-addressed documents (signatures, PDFs): which are missing, upload, download.

The bytes of a document are stored once, but who holds it is kept per family
(``BlobOwner``): a team learns that a document exists, and may read it, only through a family in
its scope. Uploading a copy the server already has (the bytes prove the uploader holds it) adds
the uploader's family as an owner, so nobody can upload a known file first to keep the owning
team from its own copy."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from sqlalchemy import insert, select

from ehdesk.models import Blob, Family
from ehdesk.server import admin, ops_metrics
from ehdesk.server.changelog import Revisions
from ehdesk.server.deps import CurrentPrincipal, DbSession, check_version, error, refuse
from ehdesk.server.models import BlobOwner, ChangeLog
from ehdesk.server.openapi import AUTHENTICATED, NOT_FOUND
from ehdesk.server.scope import Principal
from ehdesk.sync import protocol as p

router = APIRouter()

SHA256_PATH = Path(pattern=r"^[0-9a-f]{64}$")
MEDIA_TYPE = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,59}/[A-Za-z0-9!#$&^_.+-]{1,60}$"


def visible_owners(s, principal: Principal, hashes: list[str]) -> dict[str, str | None]:
    """hash -> a family in the principal's scope that holds it (None: a document of no family,
    which every worker may read). Hashes the principal may not know about are absent."""
    if not hashes:
        return {}
    out: dict[str, str | None] = {}
    owned: set[str] = set()
    for sha256, family_id, team_id in s.execute(
        select(BlobOwner.sha256, BlobOwner.family_id, Family.team_id)
        .join(Family, Family.id == BlobOwner.family_id)
        .where(BlobOwner.sha256.in_(hashes))
    ):
        owned.add(sha256)
        if principal.team_in_scope(team_id):
            out.setdefault(sha256, family_id)
    for sha256, family_id in s.execute(select(Blob.sha256, Blob.family_id).where(Blob.sha256.in_(hashes))):
        if family_id is None and sha256 not in owned:
            out.setdefault(sha256, None)
    return out


@router.post("/v1/blobs/missing", response_model=p.BlobQueryResponse, responses=AUTHENTICATED)
def blobs_missing(body: p.BlobQuery, s: DbSession, principal: CurrentPrincipal) -> p.BlobQueryResponse:
    check_version(body.schema_version)
    wanted = sorted(set(body.hashes))
    if principal.wipe_pending:
        return p.BlobQueryResponse(missing=[])  # nothing more is taken from a lost laptop
    have = visible_owners(s, principal, wanted)
    return p.BlobQueryResponse(missing=[h for h in wanted if h not in have])


@router.post("/v1/blobs/fetch", response_model=p.BlobFetchResponse, responses=AUTHENTICATED)
def blobs_fetch(body: p.BlobFetch, s: DbSession, principal: CurrentPrincipal) -> p.BlobFetchResponse:
    """Several blobs in one round trip (a first sync may need thousands of signatures)."""
    check_version(body.schema_version)
    wanted = sorted(set(body.hashes))
    visible = visible_owners(s, principal, wanted)
    found, size = [], 0
    for blob in s.scalars(select(Blob).where(Blob.sha256.in_(wanted))):
        if blob.sha256 not in visible:
            refuse(s, principal, "refused_read", "blob", blob.sha256, blob.family_id)
            continue
        if found and size + blob.size > p.MAX_FETCH_BYTES:
            break
        size += blob.size
        found.append(
            p.BlobData(
                sha256=blob.sha256,
                media_type=blob.media_type,
                family_id=visible[blob.sha256],
                data_b64=base64.b64encode(blob.data).decode(),
            )
        )
    return p.BlobFetchResponse(blobs=found)


async def _raw_body(request: Request) -> bytes:
    return await request.body()


@router.put(
    "/v1/blobs/{sha256}",
    response_model=p.BlobStored,
    responses={**AUTHENTICATED, **NOT_FOUND},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def put_blob(
    data: Annotated[bytes, Depends(_raw_body)],
    s: DbSession,
    principal: CurrentPrincipal,
    sha256: str = SHA256_PATH,
    schema_version: int = Query(..., ge=1, le=1000),
    media_type: str = Query(..., pattern=MEDIA_TYPE),
    family_id: str | None = Query(None, pattern=r"^[A-Za-z0-9_.:-]{1,36}$"),
) -> Response | p.BlobStored:
    check_version(schema_version)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HTTPException(422, "The document's content does not match its name.")
    if len(data) > p.MAX_BLOB_BYTES:
        raise HTTPException(413, "The document is too large.")
    fate = store_blob(s, principal, Revisions(s), sha256, data, media_type, family_id)
    if fate == "refused":
        return error(404, "There is no such family.")
    return p.BlobStored(stored=fate == "stored")


def store_blob(
    s, principal: Principal, revisions: Revisions, sha256: str, data: bytes, media_type: str, family_id
) -> str:
    """Keep one document whose bytes were checked against ``sha256`` (``store_blobs`` of one)."""
    return store_blobs(s, principal, revisions, [(sha256, media_type, family_id, data)])[sha256]


def store_blobs(
    s, principal: Principal, revisions: Revisions, blobs: list[tuple[str, str, str | None, bytes]]
) -> dict[str, str]:
    """Keep documents whose bytes were checked against their hashes, for a single upload and for a
    batch alike: hash -> "stored", "present" (this family holds it already) or "refused" (the
    family is not in the worker's scope; audited). What a batch needs to know (its families'
    teams, the documents and owners the server has) is read in three queries and what it adds is
    written in one statement a table: a few queries and flushes a document made a batch of 700
    signatures take over a second."""
    hashes = sorted({sha256 for sha256, _, _, _ in blobs})
    families = sorted({family_id for _, _, family_id, _ in blobs if family_id is not None})
    teams = (
        {
            row.id: row.team_id
            for row in s.execute(select(Family.id, Family.team_id).where(Family.id.in_(families)))
        }
        if families
        else {}
    )
    held = {
        row.sha256: row
        for row in s.execute(
            select(Blob.sha256, Blob.family_id, Blob.media_type, Blob.size).where(Blob.sha256.in_(hashes))
        )
    }
    owners = {
        (row.sha256, row.family_id)
        for row in s.execute(
            select(BlobOwner.sha256, BlobOwner.family_id).where(BlobOwner.sha256.in_(hashes))
        )
    }
    fates: dict[str, str] = {}
    new_blobs, new_owners, logged = [], [], []
    for sha256, media_type, family_id, data in blobs:
        if sha256 in fates:
            continue
        if family_id is not None and not (family_id in teams and principal.team_in_scope(teams[family_id])):
            refuse(s, principal, "refused_write", "blob", sha256, family_id)
            fates[sha256] = "refused"
            continue
        stored = held.get(sha256)
        if stored is None:
            row = {"sha256": sha256, "family_id": family_id, "media_type": media_type, "size": len(data)}
            new_blobs.append({**row, "data": data})
            stored = held[sha256] = _Held(**row)
        elif family_id is None or (sha256, family_id) in owners:
            fates[sha256] = "present"
            continue
        if family_id is not None:
            new_owners.append({"sha256": sha256, "family_id": family_id})
            owners.add((sha256, family_id))
        # The family's other laptops learn of it through the log (one entry per owning family).
        logged.append(admin.blob_log_row(revisions, stored, family_id))
        fates[sha256] = "stored"
    for model, rows in ((Blob, new_blobs), (BlobOwner, new_owners), (ChangeLog, logged)):
        if rows:
            s.execute(insert(model), rows)
    ops_metrics.count_blobs_stored(s, len(new_blobs))
    return fates


@dataclass(frozen=True)
class _Held:
    """What the log entry of a document needs of it."""

    sha256: str
    family_id: str | None
    media_type: str
    size: int


@router.get(
    "/v1/blobs/{sha256}",
    responses={
        **AUTHENTICATED,
        **NOT_FOUND,
        200: {"content": {"application/octet-stream": {}}, "description": "The document's bytes."},
    },
)
def get_blob(
    s: DbSession,
    principal: CurrentPrincipal,
    sha256: str = SHA256_PATH,
    schema_version: int = Query(..., ge=1, le=1000),
) -> Response:
    check_version(schema_version)
    blob = s.get(Blob, sha256)
    if blob is not None and sha256 in visible_owners(s, principal, [sha256]):
        return Response(content=blob.data, media_type=blob.media_type)
    refuse(s, principal, "refused_read", "blob", sha256, blob.family_id if blob is not None else None)
    return error(404, "There is no such document.")
