"""Tables only the server has: credentials, team membership, devices and their tokens, the
change log that laptops pull, refused mutations kept aside, and the server's own audit of denied
requests. The domain tables (families, members, ...) are the same as on the laptops.

These live on their own MetaData so the laptop's store never creates them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ehdesk.models.base import NAMING
from ehdesk.models.types import UTCDateTime, new_id, utcnow


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON, list: JSON}


class Account(ServerBase):
    """How a user signs in. ``user_id`` is the domain ``User`` row's id."""

    __tablename__ = "server_account"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class TeamMember(ServerBase):
    __tablename__ = "server_team_member"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class Device(ServerBase):
    """A laptop profile. ``last_seq`` is the last outbox sequence applied from it: the key to
    applying every mutation exactly once."""

    __tablename__ = "server_device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    wipe: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    # Written at most once a minute (authentication reads it, and would otherwise write every time).
    last_seen_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # In every access token; raising it (sign-out, password reset, a stolen refresh token) ends
    # every access token of the device at once.
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The head of the device's audit hash chain as the server has received it.
    audit_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # When a pull last carried the wipe to the laptop (for IT: "has the lost laptop been wiped?").
    wipe_delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)


class RefreshToken(ServerBase):
    """Only a hash of the token is kept: a copy of the database cannot be used to sign in."""

    __tablename__ = "server_refresh_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Rotation: a token is used once; ``replaced_by`` is the hash of the token issued for it.
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    replaced_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Counter(ServerBase):
    """The global revision. Taken with SELECT ... FOR UPDATE inside each writing transaction, so
    revisions commit in order and a pull never skips one still being written."""

    __tablename__ = "server_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ChangeLog(ServerBase):
    __tablename__ = "server_change_log"
    # Conflict detection asks "what changed on this row since revision N?".
    __table_args__ = (Index("ix_server_change_log_row", "entity", "row_id", "revision"),)

    revision: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[str] = mapped_column(String(64), nullable=False)
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    # Staff rows (user_account): their team, so laptops receive only their own teams' staff.
    team_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # The whole row after the change, and the names of the fields this change touched.
    fields: Mapped[dict] = mapped_column(nullable=False, default=dict)
    changed: Mapped[list] = mapped_column(nullable=False, default=list)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    # The device that pushed this change already holds exactly this row (every field it sent was
    # applied as sent): it is not sent back to that device, saving a round of bytes per edit.
    origin_has_it: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class ScopeMove(ServerBase):
    """A family moved between teams: workers of the old team purge it at their next sync."""

    __tablename__ = "server_scope_move"

    revision: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    family_id: Mapped[str] = mapped_column(String(36), nullable=False)
    from_team: Mapped[str | None] = mapped_column(String(36), nullable=True)
    to_team: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class Quarantine(ServerBase):
    """A pushed mutation the server would not apply (outside the worker's scope): kept, never
    silently dropped, so council IT can look at it."""

    __tablename__ = "server_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False)
    user_id: Mapped[str] = mapped_column(String(36), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    mutation: Mapped[dict] = mapped_column(nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class ServerAudit(ServerBase):
    """Sign-ins, refusals and admin acts. Names records by id; never copies personal data."""

    __tablename__ = "server_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False, index=True)
    user_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    device_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    entity: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    detail: Mapped[dict] = mapped_column(nullable=False, default=dict)


class SignInAttempt(ServerBase):
    """Failed sign-ins as the first release counted them. No longer written: ``SignInLimit``
    counts tries atomically instead. The table stays so existing databases need no data move."""

    __tablename__ = "server_signin_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    client: Mapped[str] = mapped_column(String(64), nullable=False, default="", index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False, index=True)


class SignInLimit(ServerBase):
    """Failed sign-ins per key ("user|address" for the back-off, "address" for the address's own
    limit). One row per key, taken under a row lock: concurrent tries are counted exactly."""

    __tablename__ = "server_signin_limit"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_at: Mapped[datetime] = mapped_column(nullable=False)
    last_at: Mapped[datetime] = mapped_column(nullable=False)


class BlobOwner(ServerBase):
    """Each family that holds a copy of a blob. The bytes are stored once; who may read them or
    learn they exist is answered from here, per family scope."""

    __tablename__ = "server_blob_owner"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)


class Secret(ServerBase):
    """The key that signs access tokens, made once and shared by every server process."""

    __tablename__ = "server_secret"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
