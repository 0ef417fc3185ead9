"""Consent given by a family member for a stated purpose, and its withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import NotFound, ValidationError
from ehdesk.models import Consent, Person


@dataclass(frozen=True)
class ConsentView:
    id: str
    family_id: str
    person_id: str | None
    given_by_name: str
    scope: str
    agencies: list[str]
    given_on: date
    method: str
    withdrawn_on: date | None
    notes: str

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None


def _view(c: Consent) -> ConsentView:
    return ConsentView(
        id=c.id,
        family_id=c.family_id,
        person_id=c.person_id,
        given_by_name=c.given_by_name,
        scope=c.scope,
        agencies=list(c.agencies or []),
        given_on=c.given_on,
        method=c.method,
        withdrawn_on=c.withdrawn_on,
        notes=c.notes,
    )


def list_consents(session: Session, family_id: str) -> list[ConsentView]:
    rows = session.scalars(
        select(Consent)
        .where(Consent.family_id == family_id, Consent.deleted.is_(False))
        .order_by(Consent.given_on.desc())
    ).all()
    return [_view(c) for c in rows]


def record_consent(
    session: Session,
    family_id: str,
    *,
    person_id: str | None,
    scope: str,
    given_on: date | None,
    method: str = "signed",
    agencies: list[str] | None = None,
    notes: str = "",
    pack: CouncilPack | None = None,
    today: date | None = None,
) -> str:
    pack = pack or current_pack()
    today = today or date.today()
    _family_or_404(session, family_id)
    errors: dict[str, str] = {}
    person = session.get(Person, person_id) if person_id else None
    if person is None or person.deleted or person.family_id != family_id:
        errors["person_id"] = "Choose the family member who gave consent."
    elif person.role != "adult":
        # Children may consent in their own right (Gillick), but the record asks for the parent.
        pass
    if scope not in pack.codes("consent_scopes"):
        errors["scope"] = "Choose what the consent is for."
    if given_on is None:
        errors["given_on"] = "The date consent was given is missing."
    elif given_on > today:
        errors["given_on"] = f"The date {given_on:%d/%m/%Y} is in the future."
    if method not in ("signed", "verbal"):
        errors["method"] = "Choose whether consent was signed or verbal."
    agencies = list(agencies or [])
    if any(a not in pack.codes("agencies") for a in agencies):
        errors["agencies"] = "Choose the agencies from the list."
    if scope == "share_information" and not agencies and "scope" not in errors:
        errors["agencies"] = "Consent to share information must name at least one agency."
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        family_id=family_id,
        person_id=person.id,
        given_by_name=person.full_name,
        scope=scope,
        agencies=agencies,
        given_on=given_on,
        method=method,
        notes=(notes or "").strip(),
    )
    session.add(consent)
    session.flush()
    audit.record(session, "change", "consent", consent.id, family_id, change="create")
    return consent.id


def withdraw_consent(
    session: Session, consent_id: str, withdrawn_on: date | None, today: date | None = None
) -> None:
    today = today or date.today()
    consent = session.get(Consent, consent_id)
    if consent is None or consent.deleted:
        raise NotFound("That consent is no longer in the record.")
    if consent.withdrawn_on is not None:
        raise ValidationError(
            {"withdrawn_on": f"This consent was already withdrawn on {consent.withdrawn_on:%d/%m/%Y}."}
        )
    if withdrawn_on is None:
        raise ValidationError({"withdrawn_on": "The date consent was withdrawn is missing."})
    if withdrawn_on > today:
        raise ValidationError({"withdrawn_on": f"The date {withdrawn_on:%d/%m/%Y} is in the future."})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Consent cannot be withdrawn before it was given."})
    consent.withdrawn_on = withdrawn_on
    audit.record(session, "change", "consent", consent_id, consent.family_id, change="withdraw")
