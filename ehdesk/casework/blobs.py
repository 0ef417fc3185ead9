"""Storing and reading content-addressed blobs inside the encrypted store."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from ehdesk.errors import NotFound
from ehdesk.models import Blob


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes, media_type: str, family_id: str | None = None) -> str:
    digest = sha256_hex(data)
    if session.get(Blob, digest) is None:
        session.add(
            Blob(sha256=digest, family_id=family_id, media_type=media_type, size=len(data), data=data)
        )
    return digest


def get_blob(session: Session, digest: str) -> bytes:
    blob = session.get(Blob, digest)
    if blob is None:
        raise NotFound("A signature or document this record refers to has not reached this laptop yet.")
    return blob.data
