"""Machine-wide settings a council sets at install time (server address, recovery public key,
council pack, idle-lock minutes, profile expiry). Read from, in order: the file named by
``EHDESK_CONFIG``; ``ehdesk.toml`` beside the executable (bundle installs); the platform's
site config folder. Missing file: sensible defaults. No personal data lives here."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ehdesk.config.locations import settings_candidates
from ehdesk.errors import EhdeskError


class DeviceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    server_url: str | None = None
    recovery_public_key_file: str | None = None
    council_pack: str = "default"
    idle_lock_minutes: float = Field(default=5, gt=0, le=240)
    profile_expiry_days: int = Field(default=30, gt=0)
    sync_interval_minutes: float = Field(default=5, gt=0)
    # Plain http:// to a server other than this computer sends tokens and family records readable
    # by anyone on the network: refused unless the council says so here (a closed test network).
    allow_plain_http: bool = False
    # The council's default look ([appearance]: theme, high_contrast, text_scale); checked by
    # ehdesk.config.appearance, which also keeps the laptop's own choice.
    appearance: dict[str, str | bool | float] = Field(default_factory=dict)

    def recovery_public_key_pem(self) -> bytes | None:
        if not self.recovery_public_key_file:
            return None
        try:
            return Path(self.recovery_public_key_file).read_bytes()
        except OSError:
            raise EhdeskError(
                f"The recovery public key file {self.recovery_public_key_file} named in the settings "
                "cannot be read."
            ) from None


@lru_cache(maxsize=1)
def device_settings() -> DeviceSettings:
    for path in settings_candidates():
        if path.is_file():
            try:
                return DeviceSettings.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
            except tomllib.TOMLDecodeError as exc:
                raise EhdeskError(f"The settings file {path} is not valid TOML ({exc}).") from None
            except ValidationError as exc:
                first = exc.errors()[0]
                raise EhdeskError(
                    f"The settings file {path} is wrong at {'.'.join(map(str, first['loc']))}: {first['msg']}."
                ) from None
    return DeviceSettings()
