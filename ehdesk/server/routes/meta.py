from __future__ import annotations

from fastapi import APIRouter

from ehdesk.sync import protocol as p

router = APIRouter()


@router.get("/v1/health")
def health() -> dict:
    return {"ok": True, "schema_version": p.SCHEMA_VERSION}
