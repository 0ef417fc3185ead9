"""Creating, unlocking and protecting worker profiles."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519

from ehdesk.casework.families import add_person, create_family, list_families
from ehdesk.errors import (
    EhdeskError,
    NotAProfile,
    ProfileExists,
    ProfileNotFound,
    StoreDamaged,
    TooManyAttempts,
    WrongPassword,
)
from ehdesk.store import ProfileManager
from tests.conftest import PASSWORD


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_created_profile_is_listed_and_unlocks(profiles):
    profiles.create("Priya Shah", PASSWORD)
    assert [p.name for p in profiles.list()] == ["Priya Shah"]
    store = profiles.unlock("priya shah", PASSWORD)  # names match case-insensitively
    try:
        assert store.profile.name == "Priya Shah"
    finally:
        store.close()


def test_duplicate_name_is_refused(profiles):
    profiles.create("Sam Hewitt", PASSWORD)
    with pytest.raises(ProfileExists, match="already exists"):
        profiles.create("SAM HEWITT", PASSWORD)
    assert len(profiles.list()) == 1


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [("", PASSWORD, "name is empty"), ("Jo", "", "password is empty"), ("Jo", "short", "too short")],
)
def test_bad_name_or_password_creates_nothing(profiles, data_dir, name, password, message):
    with pytest.raises(EhdeskError, match=message):
        profiles.create(name, password)
    assert profiles.list() == []


def test_wrong_password_is_refused_and_leaves_the_store_untouched(profiles):
    info = profiles.create("Jo Pearce", PASSWORD)
    before = digest(info.db_path)
    with pytest.raises(WrongPassword, match="not right"):
        profiles.unlock("Jo Pearce", "not the password")
    assert digest(info.db_path) == before


def test_empty_password_at_sign_in(profiles):
    profiles.create("Jo Pearce", PASSWORD)
    with pytest.raises(EhdeskError, match="Type your password"):
        profiles.unlock("Jo Pearce", "")


def test_missing_profile(profiles):
    with pytest.raises(ProfileNotFound, match='no worker profile called "Nobody"'):
        profiles.unlock("Nobody", PASSWORD)


def test_repeated_failures_slow_down_and_a_right_password_resets(data_dir):
    now = [1000.0]
    manager = ProfileManager(data_dir, lockout_clock=lambda: now[0])
    manager.create("Helen Ward", PASSWORD)
    for _ in range(3):
        with pytest.raises(WrongPassword):
            manager.unlock("Helen Ward", "wrong password")
    with pytest.raises(TooManyAttempts, match="Wait 1 second"):
        manager.unlock("Helen Ward", PASSWORD)  # even the right one must wait
    now[0] += 1.5
    with pytest.raises(WrongPassword):
        manager.unlock("Helen Ward", "wrong again")
    with pytest.raises(TooManyAttempts, match="Wait 2 seconds"):
        manager.unlock("Helen Ward", PASSWORD)
    now[0] += 2.5
    manager.unlock("Helen Ward", PASSWORD).close()
    # Cleared: the next wrong password is an ordinary refusal, not a wait.
    with pytest.raises(WrongPassword):
        manager.unlock("Helen Ward", "wrong password")


def test_changing_the_password_rewraps_the_key_only(profiles):
    info = profiles.create("Tom Okoro", PASSWORD)
    store = profiles.unlock("Tom Okoro", PASSWORD)
    with store.session() as s:
        create_family(s, {"household_name": "Mensah"})
    store.close()
    before = digest(info.db_path)
    profiles.change_password("Tom Okoro", PASSWORD, "a brand new password")
    assert digest(info.db_path) == before
    with pytest.raises(WrongPassword):
        profiles.unlock("Tom Okoro", PASSWORD)
    store = profiles.unlock("Tom Okoro", "a brand new password")
    with store.session() as s:
        assert [f.household_name for f in list_families(s)] == ["Mensah"]
    store.close()


def test_change_password_with_wrong_old_password_changes_nothing(profiles):
    info = profiles.create("Tom Okoro", PASSWORD)
    keys_before = (info.path / "keys.json").read_bytes()
    with pytest.raises(WrongPassword):
        profiles.change_password("Tom Okoro", "wrong password", "another password")
    assert (info.path / "keys.json").read_bytes() == keys_before


@pytest.mark.parametrize("kind", ["x25519", "rsa"])
def test_manager_recovers_a_forgotten_password_with_the_organisation_key(profiles, kind):
    private = (
        x25519.X25519PrivateKey.generate() if kind == "x25519" else rsa.generate_private_key(65537, 3072)
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    profiles.create("Ravi Chauhan", PASSWORD, recovery_public_key_pem=public_pem)
    store = profiles.unlock("Ravi Chauhan", PASSWORD)
    with store.session() as s:
        create_family(s, {"household_name": "Unsynced family"})
    store.close()

    profiles.recover("Ravi Chauhan", private_pem, "recovered password")
    store = profiles.unlock("Ravi Chauhan", "recovered password")
    with store.session() as s:
        assert [f.household_name for f in list_families(s)] == ["Unsynced family"]
    store.close()


def test_recovery_needs_the_right_private_key(profiles):
    right = x25519.X25519PrivateKey.generate()
    wrong = x25519.X25519PrivateKey.generate()
    public_pem = right.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    wrong_pem = wrong.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    profiles.create("Ravi Chauhan", PASSWORD, recovery_public_key_pem=public_pem)
    with pytest.raises(EhdeskError, match="does not open this profile"):
        profiles.recover("Ravi Chauhan", wrong_pem, "recovered password")
    profiles.unlock("Ravi Chauhan", PASSWORD).close()


def test_a_data_dir_that_is_not_ours_is_refused(tmp_path):
    foreign = tmp_path / "Documents"
    foreign.mkdir()
    (foreign / "letter.docx").write_text("hello")
    manager = ProfileManager(foreign)
    with pytest.raises(NotAProfile, match="not an ehdesk data folder"):
        manager.create("Jo", PASSWORD)
    assert sorted(p.name for p in foreign.iterdir()) == ["letter.docx"]


def test_a_stray_folder_among_profiles_is_reported_and_does_not_hide_others(profiles):
    profiles.create("Jo Pearce", PASSWORD)
    stray = profiles.profiles_dir / "not-a-profile"
    stray.mkdir()
    (stray / "notes.txt").write_text("x")
    assert [p.name for p in profiles.list()] == ["Jo Pearce"]
    with pytest.raises(NotAProfile, match="is not an ehdesk profile"):
        profiles._read_profile(stray)


def test_a_corrupted_store_gets_a_clear_error_and_is_left_as_it_was(profiles):
    info = profiles.create("Jo Pearce", PASSWORD)
    data = bytearray(info.db_path.read_bytes())
    data[0:64] = bytes(64)  # destroy the salt/header page start
    info.db_path.write_bytes(bytes(data))
    before = digest(info.db_path)
    with pytest.raises(StoreDamaged, match="cannot be read"):
        profiles.unlock("Jo Pearce", PASSWORD)
    assert digest(info.db_path) == before


def test_a_key_file_copied_from_another_profile_does_not_open_it(profiles):
    a = profiles.create("Worker A", PASSWORD)
    b = profiles.create("Worker B", PASSWORD)
    (b.path / "keys.json").write_bytes((a.path / "keys.json").read_bytes())
    with pytest.raises(WrongPassword):
        profiles.unlock("Worker B", PASSWORD)


def test_the_key_file_records_argon2id_no_weaker_than_the_floor(profiles):
    info = profiles.create("Jo Pearce", PASSWORD)
    wrap = json.loads((info.path / "keys.json").read_text())["password_wrap"]
    assert wrap["kdf"] == "argon2id"
    assert wrap["memory_kib"] >= 19 * 1024 and wrap["time_cost"] >= 2


def test_a_key_file_asking_for_a_weaker_hash_is_refused(profiles):
    info = profiles.create("Jo Pearce", PASSWORD)
    keys = json.loads((info.path / "keys.json").read_text())
    keys["password_wrap"]["memory_kib"] = 1024
    (info.path / "keys.json").write_text(json.dumps(keys))
    with pytest.raises(EhdeskError, match="weaker than ehdesk allows"):
        profiles.unlock("Jo Pearce", PASSWORD)


def test_two_workers_on_one_laptop_cannot_open_each_others_store(profiles):
    profiles.create("Worker A", "password of A")
    profiles.create("Worker B", "password of B")
    store = profiles.unlock("Worker A", "password of A")
    with store.session() as s:
        family = create_family(s, {"household_name": "Only A sees this"})
        add_person(s, family, {"given_name": "Amara", "role": "child", "gender": "female"})
    store.close()
    with pytest.raises(WrongPassword):
        profiles.unlock("Worker B", "password of A")
    store = profiles.unlock("Worker B", "password of B")
    with store.session() as s:
        assert list_families(s) == []
    store.close()
