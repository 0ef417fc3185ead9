"""The worker profiles on this machine: creating, listing, unlocking, changing a password and
recovering one with the organisation's recovery key.

Layout under the data dir::

    ehdesk-data.json               marks the folder as ours
    profiles/<profile id>/
        profile.json               the worker's name and server details (no family data)
        keys.json                  the wrapped data key(s)
        attempts.json              wrong-password count (backoff)
        store.db                   the SQLCipher store (and its -wal/-shm while open)
        backups/                   encrypted copies taken before each migration
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ehdesk.errors import EhdeskError, NotAProfile, ProfileExists, ProfileNotFound, StoreDamaged
from ehdesk.store.files import read_json, write_json_atomic
from ehdesk.store.lockout import Lockout
from ehdesk.store.profile_info import ProfileInfo

if TYPE_CHECKING:
    from ehdesk.store.store import Store

# The database, crypto and ORM modules load on first use, not at import: the sign-in screen
# lists profiles from JSON and should appear before SQLAlchemy and argon2 have loaded.

DATA_MARKER = "ehdesk-data.json"
MAX_NAME = 80


def _aad(profile_id: str) -> bytes:
    # Binds a wrapped key to its profile: a key file copied onto another profile will not open it.
    return f"ehdesk data key for profile {profile_id}".encode()


def check_password_choice(password: str) -> None:
    if not password:
        raise EhdeskError("The password is empty. Choose a password of at least 8 characters.")
    if len(password) < 8:
        raise EhdeskError("The password is too short. Choose a password of at least 8 characters.")


class ProfileManager:
    def __init__(self, data_dir: Path, cost=None, lockout_clock=None) -> None:
        self.data_dir = Path(data_dir)
        self._cost = cost
        self._lockout_clock = lockout_clock

    @property
    def cost(self):
        """The argon2id cost for new wraps (``vault.KdfCost``)."""
        if self._cost is None:
            from ehdesk.store import vault

            self._cost = vault.cost_from_environment()
        return self._cost

    # -- the data folder ------------------------------------------------------------------

    @property
    def profiles_dir(self) -> Path:
        return self.data_dir / "profiles"

    def _check_data_dir(self) -> None:
        if not self.data_dir.exists():
            return
        if not self.data_dir.is_dir():
            raise NotAProfile(f"{self.data_dir} is a file, not an ehdesk data folder.")
        marker = self.data_dir / DATA_MARKER
        if not marker.exists() and any(self.data_dir.iterdir()):
            raise NotAProfile(
                f"{self.data_dir} already holds other files and is not an ehdesk data folder. "
                "Choose an empty folder or an existing ehdesk data folder."
            )

    def _ensure_data_dir(self) -> None:
        self._check_data_dir()
        self.profiles_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        marker = self.data_dir / DATA_MARKER
        if not marker.exists():
            write_json_atomic(marker, {"format": "ehdesk-data", "version": 1})

    # -- listing --------------------------------------------------------------------------

    def _read_profile(self, folder: Path) -> ProfileInfo:
        meta_path = folder / "profile.json"
        try:
            meta = read_json(meta_path)
            if meta.get("format") != "ehdesk-profile":
                raise ValueError
            if not (folder / "keys.json").exists():
                raise ValueError
        except (OSError, ValueError):
            raise NotAProfile(
                f"The folder {folder.name} in {self.profiles_dir} is not an ehdesk profile "
                "(its profile.json or keys.json is missing or unreadable)."
            ) from None
        return ProfileInfo(
            id=meta["id"],
            name=meta["name"],
            path=folder,
            created_at=meta.get("created_at", ""),
            server_url=meta.get("server_url"),
            username=meta.get("username"),
            role=meta.get("role", "practitioner"),
            team_id=meta.get("team_id"),
            last_online_at=meta.get("last_online_at"),
            user_id=meta.get("user_id"),
        )

    def list(self) -> list[ProfileInfo]:
        self._check_data_dir()
        if not self.profiles_dir.is_dir():
            return []
        found = []
        for folder in sorted(self.profiles_dir.iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                try:
                    found.append(self._read_profile(folder))
                except NotAProfile:
                    continue  # a stray folder must not hide every other worker
        return sorted(found, key=lambda p: p.name.casefold())

    def find(self, name: str) -> ProfileInfo:
        self._check_data_dir()
        wanted = name.strip().casefold()
        if self.profiles_dir.is_dir():
            for folder in self.profiles_dir.iterdir():
                if not folder.is_dir():
                    continue
                meta = folder / "profile.json"
                try:
                    if read_json(meta).get("name", "").casefold() == wanted:
                        return self._read_profile(folder)
                except (OSError, ValueError):
                    continue
        raise ProfileNotFound(f'There is no worker profile called "{name}" on this computer.')

    # -- creating -------------------------------------------------------------------------

    def create(
        self,
        name: str,
        password: str,
        *,
        recovery_public_key_pem: bytes | None = None,
        server_url: str | None = None,
        username: str | None = None,
        role: str = "practitioner",
        team_id: str | None = None,
        device_id: str | None = None,
        user_id: str | None = None,
        schema_target: str = "heads",
    ) -> ProfileInfo:
        """Create a worker's encrypted store. ``schema_target`` exists so tests can make a store
        as an older release would have left it."""
        import unicodedata
        import uuid  # not at module import: it loads `platform`, which the sign-in screen never uses
        from datetime import UTC, datetime  # nor datetime (1 ms of the sign-in screen's start)

        from ehdesk.models import SyncState
        from ehdesk.store import vault
        from ehdesk.store.engine import checkpoint, open_engine

        name = name.strip()
        if not name:
            raise EhdeskError("The worker's name is empty. Type the name to show on the sign-in screen.")
        if len(name) > MAX_NAME:
            raise EhdeskError(f"The worker's name is too long ({len(name)} characters; at most {MAX_NAME}).")
        if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in name):
            raise EhdeskError(
                "The worker's name has a line break, tab or other control character in it. "
                "Type the name on one line."
            )
        check_password_choice(password)
        self._ensure_data_dir()
        try:
            self.find(name)
        except ProfileNotFound:
            pass
        else:
            raise ProfileExists(f'A worker profile called "{name}" already exists on this computer.')

        profile_id = str(uuid.uuid4())
        data_key = vault.new_data_key()
        keys = {
            "format": "ehdesk-keys",
            "version": 1,
            "password_wrap": vault.wrap_with_password(data_key, password, _aad(profile_id), self.cost),
            "recovery_wrap": (
                vault.wrap_for_recovery(data_key, recovery_public_key_pem, _aad(profile_id))
                if recovery_public_key_pem
                else None
            ),
        }
        # Build in a hidden folder and rename at the end: a half-made profile never shows up.
        staging = self.profiles_dir / f".creating-{profile_id}"
        final = self.profiles_dir / profile_id
        # Only the worker's own account may list or read a profile folder.
        staging.mkdir(parents=True, mode=0o700)
        if os.name == "posix":
            os.chmod(staging, 0o700)  # mkdir's mode is masked by the umask
        try:
            write_json_atomic(staging / "keys.json", keys)
            meta = {
                "format": "ehdesk-profile",
                "version": 1,
                "id": profile_id,
                "name": name,
                "created_at": datetime.now(UTC).isoformat(),
                "server_url": server_url,
                "username": username,
                "role": role,
                "team_id": team_id,
                "user_id": user_id,
                "last_online_at": datetime.now(UTC).isoformat() if server_url else None,
            }
            write_json_atomic(staging / "profile.json", meta)
            engine = open_engine(staging / "store.db", data_key)
            try:
                from ehdesk.store import migrate  # alembic: imported when needed, not at app start

                migrate.upgrade(engine, staging / "store.db", target=schema_target)
                from sqlalchemy.orm import Session

                with Session(engine) as s, s.begin():
                    s.add(SyncState(key="device_id", value=device_id or str(uuid.uuid4())))
                    s.add(SyncState(key="profile_id", value=profile_id))
                checkpoint(engine)
            finally:
                engine.dispose()
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self._read_profile(final)

    def update_profile(self, profile: ProfileInfo, **changes) -> ProfileInfo:
        meta = read_json(profile.path / "profile.json")
        meta.update(changes)
        write_json_atomic(profile.path / "profile.json", meta)
        return self._read_profile(profile.path)

    # -- unlocking ------------------------------------------------------------------------

    def _lockout(self, profile: ProfileInfo) -> Lockout:
        if self._lockout_clock is not None:
            return Lockout(profile.path / "attempts.json", self._lockout_clock)
        return Lockout(profile.path / "attempts.json")

    def _keys(self, profile: ProfileInfo) -> dict:
        try:
            keys = read_json(profile.path / "keys.json")
            if keys.get("format") != "ehdesk-keys":
                raise ValueError
            return keys
        except (OSError, ValueError):
            raise NotAProfile(f'The key file of "{profile.name}" is missing or damaged.') from None

    def unwrap(self, profile: ProfileInfo, password: str) -> bytes:
        from ehdesk.store import vault

        if not password:
            raise EhdeskError("Type your password to sign in.")
        lockout = self._lockout(profile)
        lockout.check()
        try:
            key = vault.unwrap_with_password(self._keys(profile)["password_wrap"], password, _aad(profile.id))
        except vault.WrongPassword:
            lockout.failed()
            raise
        lockout.succeeded()
        return key

    def unlock(self, name: str, password: str) -> Store:
        profile = self.find(name)
        return self.open_with_key(profile, self.unwrap(profile, password))

    def open_with_key(self, profile: ProfileInfo, data_key: bytes) -> Store:
        from ehdesk.store.engine import open_engine
        from ehdesk.store.store import Store

        if not profile.db_path.exists():
            raise StoreDamaged(f'The store file of "{profile.name}" is missing.')
        engine = open_engine(profile.db_path, data_key)
        try:
            from ehdesk.store import migrate  # alembic: imported when needed, not at app start

            migrate.upgrade(engine, profile.db_path, backup_dir=profile.path / "backups")
            return Store(profile, engine)
        except BaseException:
            engine.dispose()
            raise

    # -- changing the password ------------------------------------------------------------

    def change_password(self, name: str, old_password: str, new_password: str) -> None:
        profile = self.find(name)
        data_key = self.unwrap(profile, old_password)
        self._rewrap(profile, data_key, new_password)

    def recover(self, name: str, private_key_pem: bytes, new_password: str, key_passphrase=None) -> None:
        """A manager, holding the organisation's recovery private key, sets a new password."""
        from ehdesk.store import vault

        profile = self.find(name)
        keys = self._keys(profile)
        if not keys.get("recovery_wrap"):
            raise EhdeskError(f'The profile "{profile.name}" was made without a recovery key.')
        data_key = vault.unwrap_for_recovery(
            keys["recovery_wrap"], private_key_pem, key_passphrase, _aad(profile.id)
        )
        self._rewrap(profile, data_key, new_password)
        self._lockout(profile).succeeded()

    def _rewrap(self, profile: ProfileInfo, data_key: bytes, new_password: str) -> None:
        from ehdesk.store import vault

        check_password_choice(new_password)
        keys = self._keys(profile)
        keys["password_wrap"] = vault.wrap_with_password(data_key, new_password, _aad(profile.id), self.cost)
        write_json_atomic(profile.path / "keys.json", keys)

    def delete(self, name: str) -> None:
        shutil.rmtree(self.find(name).path)
