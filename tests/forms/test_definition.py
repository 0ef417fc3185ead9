"""Form definitions: the shipped ones load; a broken one is named (file, key or line) and skipped."""

import json

import pytest

from ehdesk.config.pack import current_pack
from ehdesk.forms.loader import FormDefinitionError, forms_dir, load_definition_file, load_library

GOOD = {
    "format": "ehdesk-form",
    "id": "tiny",
    "version": 1,
    "title": "Tiny form",
    "sections": [
        {
            "id": "one",
            "title": "One",
            "questions": [
                {"id": "worried", "type": "yes_no", "label": "Worried?", "required": True},
                {
                    "id": "why",
                    "type": "long_text",
                    "label": "Why?",
                    "show_if": {"question": "worried", "equals": True},
                },
            ],
        }
    ],
}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    return path


def broken(**changes):
    data = json.loads(json.dumps(GOOD))
    question = data["sections"][0]["questions"][1]
    question.update(changes)
    return data


def test_shipped_forms_all_load_against_the_pack():
    library = load_library(forms_dir(), current_pack())
    assert library.errors == []
    titles = {d.title for d in library.current_forms()}
    assert {"Early Help Assessment", "Request for Support", "How was it for you?"} <= titles
    eha = library.latest("early-help-assessment")
    assert [s.id for s in eha.sections][:3] == ["about", "safeguarding", "consent"]
    assert {s.repeat for s in eha.sections} >= {"per_child", "per_adult"}


def test_invalid_json_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "bad.json", '{\n  "format": "ehdesk-form",\n  "id": "x",,\n}')
    with pytest.raises(FormDefinitionError) as err:
        load_definition_file(path)
    assert str(path) in err.value.message
    assert "line 3" in err.value.message


def test_unknown_question_type_names_the_key_and_line(tmp_path):
    path = write(tmp_path, "bad.json", broken(type="essay"))
    with pytest.raises(FormDefinitionError) as err:
        load_definition_file(path)
    message = err.value.message
    assert str(path) in message
    assert "sections[0].questions[1].type" in message
    assert "line " in message


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"show_if": {"question": "nowhere", "equals": True}}, "'nowhere', which is not an earlier question"),
        ({"type": "single_choice"}, "needs either 'options' or 'options_from'"),
        ({"type": "scale"}, "needs 'scale'"),
        ({"stops_form": True}, "only a guidance item can stop the form"),
        ({"id": "worried"}, "question id 'worried' is used twice"),
        ({"show_if": {"question": "worried"}}, "exactly one of 'equals', 'any_of' or 'answered'"),
    ],
)
def test_mistakes_are_explained(tmp_path, changes, expected):
    path = write(tmp_path, "bad.json", broken(**changes))
    with pytest.raises(FormDefinitionError) as err:
        load_definition_file(path)
    assert expected in err.value.message
    assert str(path) in err.value.message


def test_a_pack_list_that_does_not_exist_is_named(tmp_path):
    path = write(tmp_path, "bad.json", broken(type="multi_choice", options_from="favourite_colours"))
    with pytest.raises(FormDefinitionError) as err:
        load_definition_file(path, current_pack())
    assert "sections[0].questions[1].options_from" in err.value.message
    assert "favourite_colours" in err.value.message


def test_the_valid_forms_still_load_beside_a_broken_one(tmp_path):
    write(tmp_path, "good.json", GOOD)
    write(tmp_path, "broken.json", broken(type="essay"))
    library = load_library(tmp_path, current_pack())
    assert [d.id for d in library.current_forms()] == ["tiny"]
    assert len(library.errors) == 1 and "broken.json" in library.errors[0]
