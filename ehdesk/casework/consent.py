"""Consent given by a family member for a stated purpose, and its withdrawal.

Withdrawal changes the case (issue 15): it records who withdrew and who recorded it, stops the
signed agreement's sharing list, stops everything due, and puts "Close: consent withdrawn" in
front of the worker. Sharing after that is only under the safeguarding exception the agreement
states, and each such share is recorded with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.records import live
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Agreement, Consent, Episode, Person


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
    withdrawn_by_name: str = ""
    withdrawal_recorded_by: str = ""
    safeguarding_shares: tuple[dict, ...] = ()

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
        withdrawn_by_name=c.withdrawn_by_name,
        withdrawal_recorded_by=c.withdrawal_recorded_by,
        safeguarding_shares=tuple(c.safeguarding_shares or ()),
    )


def list_consents(session: Session, family_id: str) -> list[ConsentView]:
    rows = session.scalars(
        select(Consent)
        .where(Consent.family_id == family_id, Consent.deleted.is_(False))
        .order_by(Consent.given_on.desc())
    ).all()
    return [_view(c) for c in rows]


def clean_consent(
    family_id: str,
    person: Person | None,
    scope: str,
    given_on: date | None,
    method: str,
    agencies: list[str] | None,
    pack: CouncilPack,
    today: date,
) -> list[str]:
    """The consent rules without the store (also used by the demo, which builds many families in
    one go): raises ValidationError naming every wrong field; returns the agencies."""
    errors: dict[str, str] = {}
    if person is None or person.deleted or person.family_id != family_id:
        errors["person_id"] = "Choose the family member who gave consent."
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
    return agencies


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
    person = session.get(Person, person_id) if person_id else None
    agencies = clean_consent(family_id, person, scope, given_on, method, agencies, pack, today)
    assert person is not None  # clean_consent refuses a missing member
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
    audit.record(session, "change", "consent", consent.id, family_id, change="create")
    return consent.id


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing consent changed, in sentences to show the worker."""

    stops_work: bool
    messages: tuple[str, ...]


def withdraw_consent(
    session: Session,
    consent_id: str,
    withdrawn_on: date | None,
    today: date | None = None,
    *,
    withdrawn_by_name: str = "",
) -> Withdrawal:
    """Record the withdrawal (who told us, and the worker recording it). Withdrawing consent the
    pack says the work rests on stops the agreement's sharing list and everything due."""
    today = today or date.today()
    consent = live(session, Consent, consent_id, "consent")
    if consent.withdrawn_on is not None:
        raise ValidationError(
            {"withdrawn_on": f"This consent was already withdrawn on {show_date(consent.withdrawn_on)}."}
        )
    if withdrawn_on is None:
        raise ValidationError({"withdrawn_on": "The date consent was withdrawn is missing."})
    if withdrawn_on > today:
        raise ValidationError({"withdrawn_on": f"The date {show_date(withdrawn_on)} is in the future."})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Consent cannot be withdrawn before it was given."})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by_name = withdrawn_by_name.strip() or consent.given_by_name
    consent.withdrawal_recorded_by = session.info.get("worker_name", "") or session.info.get("actor", "")
    messages = [f"Consent withdrawn by {consent.withdrawn_by_name} on {show_date(withdrawn_on)}."]
    stops = consent.scope in current_pack().practice.consent_withdrawal_stops
    if stops:
        stopped = []
        for agreement in session.scalars(
            select(Agreement).where(
                Agreement.family_id == consent.family_id,
                Agreement.status == "signed",
                Agreement.deleted.is_(False),
                Agreement.sharing_stopped_on.is_(None),
            )
        ):
            agreement.sharing_stopped_on = withdrawn_on
            stopped.extend(agreement.agencies)
        # Other consents to share given by the same person end with it.
        for other in session.scalars(
            select(Consent).where(
                Consent.family_id == consent.family_id,
                Consent.person_id == consent.person_id,
                Consent.scope == "share_information",
                Consent.withdrawn_on.is_(None),
                Consent.deleted.is_(False),
            )
        ):
            other.withdrawn_on = withdrawn_on
            other.withdrawn_by_name = consent.withdrawn_by_name
            other.withdrawal_recorded_by = consent.withdrawal_recorded_by
            stopped.extend(other.agencies)
        pack = current_pack()
        if stopped:
            names = ", ".join(dict.fromkeys(pack.label("agencies", a) for a in stopped))
            messages.append(
                f"Sharing with {names} has stopped; share now only if a child may be at risk of "
                "significant harm, and record it."
            )
        messages.append("Nothing else is due on this case: close it with the reason “consent withdrawn”.")
    audit.record(
        session,
        "change",
        "consent",
        consent_id,
        consent.family_id,
        change="withdraw",
        withdrawn_on=withdrawn_on.isoformat(),
        stops_work=stops,
    )
    return Withdrawal(stops, tuple(messages))


def record_safeguarding_share(
    session: Session,
    consent_id: str,
    *,
    agency: str,
    reason: str,
    shared_on: date,
    today: date | None = None,
) -> None:
    """Information shared after consent was withdrawn, under the safeguarding exception the
    agreement promises: kept with the withdrawn consent, with who shared it and why."""
    today = today or date.today()
    consent = live(session, Consent, consent_id, "consent")
    errors: dict[str, str] = {}
    if consent.withdrawn_on is None:
        errors["consent"] = "Consent has not been withdrawn, so no exception is needed to share."
    if agency not in current_pack().codes("agencies"):
        errors["agency"] = "Choose the agency the information was shared with."
    if not reason.strip():
        errors["reason"] = "Say why a child may be at risk of significant harm (the reason for sharing)."
    if not isinstance(shared_on, date):
        errors["shared_on"] = "Give the date the information was shared."
    elif shared_on > today:
        errors["shared_on"] = f"The date {show_date(shared_on)} is in the future."
    if errors:
        raise ValidationError(errors)
    consent.safeguarding_shares = [
        *(consent.safeguarding_shares or []),
        {
            "on": shared_on.isoformat(),
            "agency": agency,
            "reason": reason.strip(),
            "by": session.info.get("worker_name", "") or session.info.get("actor", ""),
        },
    ]
    audit.record(
        session, "share", "consent", consent_id, consent.family_id, exception="safeguarding", agency=agency
    )


def withdrawal_facts(session: Session, episode_ids: list[str]) -> dict[str, dict]:
    """Fact source: the day consent the work rests on was withdrawn during each open episode
    (unless the same person gave that consent again since)."""
    if not episode_ids:
        return {}
    stops = current_pack().practice.consent_withdrawal_stops
    episodes = session.execute(
        select(Episode.id, Episode.family_id, Episode.opened_on).where(Episode.id.in_(episode_ids))
    ).all()
    by_family: dict[str, list] = {}
    for e in episodes:
        by_family.setdefault(e.family_id, []).append(e)
    if not by_family:
        return {}
    # Two small queries, not every consent of every family: the withdrawn consents first (few; a
    # partial index holds them), then, for the families that have one, the consents given since
    # that could answer it. Grouped by family: scanning every consent for each family made a
    # caseload of 1,000 families take seconds.
    withdrawn: dict[str, list] = {}
    for c in session.execute(
        select(Consent.family_id, Consent.person_id, Consent.scope, Consent.withdrawn_on).where(
            Consent.family_id.in_(list(by_family)),
            Consent.deleted.is_(False),
            Consent.scope.in_(stops),
            Consent.withdrawn_on.is_not(None),
        )
    ):
        withdrawn.setdefault(c.family_id, []).append(c)
    if not withdrawn:
        return {}
    given_again: dict[str, list] = {}
    for o in session.execute(
        select(Consent.family_id, Consent.person_id, Consent.scope, Consent.given_on).where(
            Consent.family_id.in_(list(withdrawn)),
            Consent.deleted.is_(False),
            Consent.scope.in_(stops),
            Consent.withdrawn_on.is_(None),
        )
    ):
        given_again.setdefault(o.family_id, []).append(o)
    facts: dict[str, dict] = {}
    for family_id, rows in withdrawn.items():
        others = given_again.get(family_id, [])
        for e in by_family[family_id]:
            stopped = [
                c.withdrawn_on
                for c in rows
                if c.withdrawn_on >= e.opened_on
                and not any(
                    o.person_id == c.person_id and o.scope == c.scope and o.given_on >= c.withdrawn_on
                    for o in others
                )
            ]
            if stopped:
                facts[e.id] = {"consent_withdrawn_on": max(stopped)}
    return facts
