"""The Official Account publishing talks to: its credentials (from the environment, else a
credentials file outside the repository), the API base, and the folder where its access
token and upload records live. Shared by `publish` and `--upload`."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from wxformat.faces.publish.api import DEFAULT_API_BASE, Credentials, PublishError, WeChatClient
from wxformat.options import PublishSettings
from wxformat.paths import APP, cache_dir, config_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def user_cache_dir() -> Path:
    """Where the access token and the upload records live: the cache folder, even when the
    conversion cache is off (they are what keeps a second publish from uploading again)."""
    import platformdirs

    return cache_dir() or Path(platformdirs.user_cache_dir(APP, appauthor=False))


def connect(
    publish: PublishSettings, article_dir: Path, timeout: float | None = None
) -> WeChatClient:
    """A client for the account in the environment or the credentials file; a one-line
    error saying how to set them when there are none. Its requests and the whole run keep
    to the deadlines of [publish] (timeout given here: the run's, from --timeout)."""
    api_base = os.environ.get("WECHAT_API_BASE") or publish.api_base or DEFAULT_API_BASE
    credentials = load_credentials(publish.credentials, article_dir)
    return WeChatClient(
        credentials,
        api_base,
        cache_dir=user_cache_dir(),
        request_timeout=publish.request_timeout,
        run_timeout=timeout or publish.timeout,
    )


def load_credentials(settings_file: str, article_dir: Path) -> Credentials:
    """From WECHAT_APP_ID / WECHAT_APP_SECRET, else a credentials file outside the repository."""
    app_id, secret = os.environ.get("WECHAT_APP_ID"), os.environ.get("WECHAT_APP_SECRET")
    if app_id and secret:
        return Credentials(app_id, secret)
    path = Path(settings_file).expanduser() if settings_file else config_dir() / "credentials.toml"
    if not path.is_file():
        raise PublishError(
            "no WeChat credentials: set WECHAT_APP_ID and WECHAT_APP_SECRET",
            "they are the account's AppID and AppSecret "
            "(mp.weixin.qq.com > 设置与开发 > 基本配置); "
            f"or write app_id and app_secret in {path} (outside your repository, mode 600)",
        )
    repo = next(
        (
            p
            for p in (article_dir.resolve(), *article_dir.resolve().parents)
            if (p / ".git").exists()
        ),
        None,
    )
    if repo is not None and repo in path.resolve().parents:
        raise PublishError(
            f"the credentials file {path} is inside the repository {repo}",
            f"move it out (e.g. to {config_dir() / 'credentials.toml'}) so it is never committed",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:  # as ssh does with a private key
        raise PublishError(
            f"the credentials file {path} can be read by other users (mode {mode:o})",
            f"make it yours alone: chmod 600 {path}",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Credentials(str(data["app_id"]), str(data["app_secret"]))
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        raise PublishError(
            f"{path} has no app_id and app_secret", 'write app_id = "..." and app_secret = "..."'
        ) from None
