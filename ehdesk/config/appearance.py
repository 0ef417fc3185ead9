"""How the app looks on this laptop: follow the system's light or dark theme or choose one, high
contrast, and the text size. A council may set the default under ``[appearance]`` in ehdesk.toml;
a choice made in Settings is kept in ``appearance.json`` beside the profiles (it holds no
personal data). Read before the sign-in screen shows, so it stays free of pydantic."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from ehdesk.config.locations import settings_candidates

APPEARANCE_FILE = "appearance.json"
THEMES = ("system", "light", "dark")
TEXT_SCALES = (1.0, 1.6)  # smallest and largest text size, as a multiple of the system's


class Appearance(NamedTuple):
    """A named tuple, not a frozen dataclass: read before the sign-in screen's first paint, where
    ``dataclasses`` (and the code it generates for each class) cost a few ms."""

    theme: str = "system"
    high_contrast: bool = False
    text_scale: float = 1.0

    @classmethod
    def parse(cls, values: dict) -> Appearance:
        """Whatever is readable in ``values``; anything out of range falls back to the default
        (the look is never a reason for the app not to start)."""
        default = cls()
        theme = values.get("theme", default.theme)
        contrast = values.get("high_contrast", default.high_contrast)
        scale = values.get("text_scale", default.text_scale)
        return cls(
            theme=theme if theme in THEMES else default.theme,
            high_contrast=contrast if isinstance(contrast, bool) else default.high_contrast,
            text_scale=float(scale)
            if isinstance(scale, int | float) and TEXT_SCALES[0] <= scale <= TEXT_SCALES[1]
            else default.text_scale,
        )


def council_default() -> Appearance:
    for path in settings_candidates():
        if path.is_file():
            import tomllib  # only where a council settings file exists: start-up stays quick

            try:
                table = tomllib.loads(path.read_text(encoding="utf-8")).get("appearance", {})
            except (OSError, tomllib.TOMLDecodeError):
                return Appearance()  # the settings check elsewhere reports a damaged file
            return Appearance.parse(table if isinstance(table, dict) else {})
    return Appearance()


def load_appearance(data_dir: Path) -> Appearance:
    try:
        values = json.loads((Path(data_dir) / APPEARANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return council_default()
    return Appearance.parse(values if isinstance(values, dict) else {})


def save_appearance(data_dir: Path, appearance: Appearance) -> None:
    path = Path(data_dir) / APPEARANCE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(appearance._asdict(), indent=2), encoding="utf-8")
    os.replace(temporary, path)
