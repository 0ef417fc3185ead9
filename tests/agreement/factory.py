"""A family with members whose names are in several scripts, an open episode, and helpers to
sign its agreement; shared by the agreement, pdf and ui tests."""

from __future__ import annotations

from datetime import date, timedelta

from ehdesk import documents
from ehdesk.casework import agreements as ops
from ehdesk.casework.families import add_person, create_family
from ehdesk.demo.signatures import synthetic_signature
from ehdesk.models import Episode

MOTHER = ("Fatima", "Hassan-Wang")
FATHER_CJK = ("王", "伟")
CHILD_CYRILLIC = ("Олег", "Hassan-Wang")
ARABIC_CHILD = ("ليلى", "Hassan-Wang")


def make_family(session, today: date | None = None) -> str:
    today = today or date.today()
    family_id = create_family(session, {"household_name": "Hassan-Wang", "postcode": "SY1 1AA"})
    add_person(
        session,
        family_id,
        {
            "given_name": MOTHER[0],
            "family_name": MOTHER[1],
            "role": "adult",
            "relationship": "mother",
            "gender": "female",
            "date_of_birth": date(1988, 3, 4),
            "parental_responsibility": True,
        },
    )
    add_person(
        session,
        family_id,
        {
            "given_name": FATHER_CJK[0],
            "family_name": FATHER_CJK[1],
            "role": "adult",
            "relationship": "father",
            "gender": "male",
            "date_of_birth": date(1985, 7, 1),
            "parental_responsibility": True,
        },
    )
    add_person(
        session,
        family_id,
        {
            "given_name": CHILD_CYRILLIC[0],
            "family_name": CHILD_CYRILLIC[1],
            "role": "child",
            "relationship": "son",
            "gender": "male",
            "date_of_birth": today - timedelta(days=365 * 14),
        },
    )
    add_person(
        session,
        family_id,
        {
            "given_name": ARABIC_CHILD[0],
            "family_name": ARABIC_CHILD[1],
            "role": "child",
            "relationship": "daughter",
            "gender": "female",
            "date_of_birth": today - timedelta(days=365 * 5),
        },
    )
    session.add(
        Episode(
            family_id=family_id,
            opened_on=today - timedelta(days=10),
            allocated_on=today - timedelta(days=9),
            allocated_worker_name="Sam Worker",
        )
    )
    session.flush()
    return family_id


def sign_all(session, family_id: str, verbal_for: str = "", *, with_pdf: bool = True) -> ops.AgreementView:
    """Draft, choose agencies, every possible signer signs (``verbal_for`` consents verbally), freeze
    (``with_pdf=False``: without the PDF, which is then rendered when first printed)."""
    view = ops.start_agreement(session, family_id, "Sam Worker")
    ops.update_draft(session, view.id, agencies=["school", "health_visitor"])
    for i, signer in enumerate(ops.possible_signers(session, family_id, "Sam Worker")):
        if signer.role == "young_person":
            continue
        if signer.name == verbal_for:
            ops.add_signature(
                session,
                view.id,
                signer.name,
                signer.role,
                person_id=signer.person_id,
                verbal_reason="Away working; agreed by phone",
            )
        else:
            ops.add_signature(
                session,
                view.id,
                signer.name,
                signer.role,
                person_id=signer.person_id,
                image_png=synthetic_signature(i),
            )
    if not with_pdf:
        return ops.sign_and_freeze(session, view.id, render=None)
    return documents.sign_and_freeze(session, view.id)
