"""Where wxformat keeps its own files outside the user's project, in the folders each platform
sets aside for them (platformdirs): the cache, and the config folder with the credentials.

WXFORMAT_CACHE_DIR moves the cache (`off`: no cache on disk).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "wxformat"


def cache_dir() -> Path | None:
    """The cache folder (~/.cache/wxformat on Linux), or None when WXFORMAT_CACHE_DIR=off."""
    setting = os.environ.get("WXFORMAT_CACHE_DIR")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    import platformdirs  # only when a cache is opened: not on `--help`

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The user's wxformat folder (~/.config/wxformat on Linux), home of credentials.toml."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))
