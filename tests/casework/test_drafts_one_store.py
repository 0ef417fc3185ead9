"""Drafts are kept one way: the session note and the progress reading a worker had not finished
live in the same draft store as every form's, and one kept the old way (before this) is not lost."""

from __future__ import annotations

from ehdesk.casework import drafts, families, sessions
from ehdesk.models import SyncState, UiDraft
from ehdesk.ui.tools.drafts import read_draft, write_draft


def test_a_half_typed_session_note_and_reading_are_drafts_of_their_family(store):
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Draft"})
        sessions.set_draft(s, family_id, '{"summary": "Went well"}')
        write_draft(s, family_id, '{"tool": "outcome-star"}')
    with store.session() as s:
        kept = drafts.drafts_for_family(s, family_id)
        assert kept[f"family:{family_id}:session_note"] == {"text": '{"summary": "Went well"}'}
        assert kept[f"family:{family_id}:progress_reading"] == {"text": '{"tool": "outcome-star"}'}
        assert sessions.get_draft(s, family_id) == '{"summary": "Went well"}'
        sessions.set_draft(s, family_id, "")
        write_draft(s, family_id, "")
    with store.session() as s:
        assert drafts.drafts_for_family(s, family_id) == {}
        assert sessions.get_draft(s, family_id) == "" and read_draft(s, family_id) == ""


def test_a_draft_an_earlier_version_kept_is_moved_into_the_draft_store_when_read(store):
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Earlier"})
        s.add(SyncState(key=f"draft.session_note.{family_id}", value='{"summary": "Typed before"}'))
        s.add(SyncState(key=f"ui.progress.draft.{family_id}", value='{"tool": "star"}'))
    with store.session() as s:
        assert sessions.get_draft(s, family_id) == '{"summary": "Typed before"}'
        assert read_draft(s, family_id) == '{"tool": "star"}'
    with store.session() as s:
        assert s.get(SyncState, f"draft.session_note.{family_id}") is None
        assert s.get(SyncState, f"ui.progress.draft.{family_id}") is None
        assert s.get(UiDraft, f"family:{family_id}:session_note").data == {
            "text": '{"summary": "Typed before"}'
        }
        assert read_draft(s, family_id) == '{"tool": "star"}'
