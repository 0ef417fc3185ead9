"""The assessment screens driven as a worker would: fill in, complete, sign off; lock mid-form."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from ehdesk.casework import assessments as ops
from ehdesk.ui.assessment.fields import DateField, LongTextField, TextField
from ehdesk.ui.assessment.tab import AssessmentTab
from tests.assessments.helpers import complete_eha_answers, family_of_four
from tests.conftest import PASSWORD


def open_tab(qtbot, store, family_id):
    tab = AssessmentTab(store, family_id)
    qtbot.addWidget(tab)
    tab.resize(1100, 760)
    tab.show()
    qtbot.waitUntil(lambda: tab.form_choice.count() > 0)
    return tab


def start_eha(qtbot, tab):
    tab.form_choice.setCurrentIndex(tab.form_choice.findData(ops.EHA_FORM))
    with qtbot.waitSignal(tab.opened, timeout=5000) as opened:
        qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    return opened.args[0]


def type_into(qtbot, editor, key, text):
    field = editor.form.blocks[key].field
    editor.form.go_to_section(editor.form.blocks[key].item.section.id)
    widget = field.edit
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_fill_in_the_eha_for_a_family_of_four_and_complete_it(qtbot, store):
    with store.session() as s:
        family_id, episode_id, ids = family_of_four(s)
    tab = open_tab(qtbot, store, family_id)
    editor = start_eha(qtbot, tab)
    form = editor.form

    # One section per page, with the children and adults asked about by name.
    assert form.nav.count() == len(editor.engine.definition.sections)
    assert form.blocks[f"voice_words@{ids['Tobi']}"].item.member.name == "Tobi Okafor"
    assert isinstance(form.blocks["reason"].field, LongTextField)
    assert isinstance(form.blocks["started_on"].field, DateField)
    assert form.blocks["started_on"].field.value() is not None  # today, filled in for the worker

    # Completing too early: messages beside the fields, and nothing is completed.
    qtbot.mouseClick(editor.complete_button, Qt.LeftButton)
    assert editor.banner.isVisible() and "need attention" in editor.banner.text()
    family_hopes = form.blocks["family_hopes"]
    assert not family_hopes.error.isHidden() and family_hopes.error.text() == "This needs an answer."
    reason_row = [s.id for s in form.sections].index("reason")
    assert form.nav.item(reason_row).text().startswith("⚠")  # the section is flagged in the list

    # The safeguarding answer yes shows the guidance; no hides it again.
    form.set_answer("risk_of_significant_harm", True)
    assert not form.blocks["harm_guidance"].isHidden()
    assert form.blocks["reason"].isHidden()
    form.set_answer("risk_of_significant_harm", False)
    assert form.blocks["harm_guidance"].isHidden() and not form.blocks["reason"].isHidden()

    # Typed through the real widgets ...
    type_into(qtbot, editor, "reason", "School raised worries about attendance.")
    type_into(qtbot, editor, f"voice_words@{ids['Amara']}", "Amara drew her family at the park.")
    # ... and the rest set through each field, as if chosen.
    answers = complete_eha_answers(ids)
    for key in ("reason", f"voice_words@{ids['Amara']}"):
        answers.pop(key)
    for key, value in answers.items():
        form.set_answer(key, value)
    assert form.progress.value() == 100
    assert form.nav.item(reason_row).text().startswith("✓")

    qtbot.mouseClick(editor.complete_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.view.status == "completed", timeout=5000)
    assert not editor.complete_button.isVisible() and editor.sign_off_button.isVisible()
    assert isinstance(form.blocks["assessor_name"].field, TextField)
    assert form.blocks["assessor_name"].field.edit.isReadOnly()  # completed is read-only

    editor._ask_manager_name = lambda: "Morgan Manager"
    qtbot.mouseClick(editor.sign_off_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.view.status == "signed_off", timeout=5000)
    assert "Morgan Manager" in editor.note.text()

    with store.session() as s:
        view = ops.get_assessment(s, editor.view.id)
    assert view.status == "signed_off"
    assert view.answers["reason"] == "School raised worries about attendance."
    assert view.answers[f"voice_words@{ids['Amara']}"] == "Amara drew her family at the park."
    assert view.answers[f"voice_words@{ids['Tobi']}"] == "Tobi said she likes drawing."

    # Reopening is explained and recorded; the form becomes editable again.
    editor._ask_reopen_reason = lambda: "New information from school"
    qtbot.mouseClick(editor.reopen_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.view.status == "draft", timeout=5000)
    assert not form.blocks["assessor_name"].field.edit.isReadOnly()
    assert "New information from school" in editor.note.text()


def test_locking_mid_form_keeps_what_was_typed(qtbot, profiles, store):
    with store.session() as s:
        family_id, _, _ = family_of_four(s)
    tab = open_tab(qtbot, store, family_id)
    editor = start_eha(qtbot, tab)
    type_into(qtbot, editor, "family_hopes", "Calmer mornings")
    assert editor.has_unsaved()  # still inside the pause before the background save

    tab.flush_pending()  # what the app calls on lock
    assessment_id = editor.view.id
    editor._timer.stop()
    store.close()

    reopened = profiles.unlock("Test Worker", PASSWORD)
    try:
        with reopened.session() as s:
            assert ops.get_assessment(s, assessment_id).answers["family_hopes"] == "Calmer mornings"
        tab2 = open_tab(qtbot, reopened, family_id)
        assert [a.status_label for a in tab2.summaries] == ["Draft"]
        # The newest form is chosen in the list, so Open opens it.
        assert tab2.table.currentRow() == 0 and tab2.open_button.isEnabled()
        with qtbot.waitSignal(tab2.opened, timeout=5000) as opened:
            tab2.open_button.click()
        field = opened.args[0].form.blocks["family_hopes"].field
        assert field.value() == "Calmer mornings"
    finally:
        reopened.close()


def test_typing_is_saved_in_the_background_after_a_pause(qtbot, store):
    with store.session() as s:
        family_id, _, _ = family_of_four(s)
    tab = open_tab(qtbot, store, family_id)
    editor = start_eha(qtbot, tab)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        type_into(qtbot, editor, "assessor_role", "Family worker")
    assert editor.saved_label.text() == "All changes saved"
    with store.session() as s:
        assert ops.get_assessment(s, editor.view.id).answers["assessor_role"] == "Family worker"
    assert isinstance(editor.form.blocks["assessor_role"].field.edit, QLineEdit)
    assert isinstance(editor.form.blocks["reason"].field.edit, QPlainTextEdit)


def test_a_broken_council_form_is_reported_and_the_others_are_offered(qtbot, store, tmp_path, monkeypatch):
    import shutil

    from ehdesk.config.pack import current_pack
    from ehdesk.forms.loader import forms_dir, load_library
    from ehdesk.ui.assessment import tab as tab_module

    folder = tmp_path / "forms"
    shutil.copytree(forms_dir(), folder)
    (folder / "broken.json").write_text('{"format": "ehdesk-form", "id": "broken", "version": 1,}')
    library = load_library(folder, current_pack())
    monkeypatch.setattr(tab_module, "default_library", lambda: library)
    with store.session() as s:
        family_id, _, _ = family_of_four(s)
    tab = open_tab(qtbot, store, family_id)
    assert not tab.problems.isHidden()
    assert "broken.json" in tab.problems.text() and "not valid JSON" in tab.problems.text()
    offered = [tab.form_choice.itemText(i) for i in range(tab.form_choice.count())]
    assert offered == ["Early Help Assessment", "How was it for you?", "Request for Support"]
