import hashlib

import pytest

from ehdesk.cli import main
from tests.agreement.factory import make_family, sign_all
from tests.conftest import PASSWORD


@pytest.fixture
def signed_family(store, monkeypatch, data_dir):
    with store.session() as s:
        family_id = make_family(s)
        view = sign_all(s, family_id)
        bare_id = make_family(s)  # a second family, nothing signed yet
    store.close()
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    return family_id, bare_id, view


def _run(data_dir, *args) -> int:
    return main(["--data-dir", str(data_dir), *args])


def test_cli_writes_the_signed_agreement_and_verify_accepts_it_but_not_a_changed_copy(
    signed_family, data_dir, tmp_path, capsys
):
    family_id, _, view = signed_family
    out = tmp_path / "agreement.pdf"
    assert (
        _run(
            data_dir, "pdf", "agreement", "--profile", "Test Worker", "--family", family_id, "--out", str(out)
        )
        == 0
    )
    pdf = out.read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == view.pdf_sha256  # the frozen bytes, not a re-render
    assert _run(data_dir, "pdf", "verify", str(out), "--profile", "Test Worker") == 0
    assert "Verified: this PDF is byte-for-byte the agreement" in capsys.readouterr().out

    tampered = bytearray(pdf)
    tampered[-200] ^= 0x20
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(tampered))
    assert _run(data_dir, "pdf", "verify", str(changed), "--profile", "Test Worker") == 1
    err = capsys.readouterr().err
    assert "not a document on record" in err and "Traceback" not in err


def test_cli_says_plainly_when_there_is_nothing_or_no_such_document(
    signed_family, data_dir, tmp_path, capsys, monkeypatch
):
    _, bare_id, _ = signed_family
    out = tmp_path / "x.pdf"
    assert (
        _run(data_dir, "pdf", "agreement", "--profile", "Test Worker", "--family", bare_id, "--out", str(out))
        == 2
    )
    assert "This family has no signed agreement yet." in capsys.readouterr().err
    assert not out.exists()

    assert (
        _run(
            data_dir,
            "pdf",
            "agreement",
            "--profile",
            "Test Worker",
            "--family",
            "no-such-id",
            "--out",
            str(out),
        )
        == 2
    )
    assert "not in this worker's records" in capsys.readouterr().err
