"""The domain models are shared with the central server, which runs on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from ehdesk.models import Base, Episode, Family, Person


@pytest.fixture
def pg_session(postgres_url):
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = engine.execution_options(schema_translate_map={None: schema})
    Base.metadata.create_all(scoped)
    with Session(scoped) as session:
        yield session
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_models_round_trip_on_postgres(pg_session):
    family = Family(reference="EH-PG000001", household_name="حداد")
    pg_session.add(family)
    pg_session.flush()
    pg_session.add(
        Person(
            family_id=family.id, given_name="王芳", family_name="Коваленко", date_of_birth=date(2015, 2, 28)
        )
    )
    pg_session.add(
        Episode(family_id=family.id, opened_on=date(2026, 1, 5), presenting_factors=["housing", "finance"])
    )
    pg_session.commit()
    pg_session.expunge_all()
    person = pg_session.scalars(select(Person)).one()
    episode = pg_session.scalars(select(Episode)).one()
    assert (person.given_name, person.family_name) == ("王芳", "Коваленко")
    assert episode.presenting_factors == ["housing", "finance"]
    assert pg_session.scalars(select(Family)).one().created_at.tzinfo is not None
