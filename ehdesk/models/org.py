"""Teams and users: who works where, and so who may see which families."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, Synced


class Team(Synced, Base):
    __tablename__ = "team"

    name: Mapped[str] = mapped_column(String(120), nullable=False)


class User(Synced, Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # practitioner | manager | admin
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="practitioner")
    team_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
