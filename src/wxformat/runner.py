"""From a file and the user's options to a Result: the one path every command takes, so
convert, preview, copy and check show exactly the same HTML for the same options."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wxformat.article import Article, read_article
from wxformat.config import Settings, apply_front_matter, load_settings
from wxformat.pipeline import Result, convert


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line (None: not given)."""

    config: Path | None = None
    encoding: str | None = None
    theme: str | None = None
    footer: bool | None = None
    code_theme: str | None = None
    line_numbers: bool | None = None
    mac_window: bool | None = None
    variables: dict[str, str] = field(default_factory=dict)
    autospace: bool | None = None
    upload: bool = False  # put every image on WeChat's CDN (needs the publish credentials)

    @classmethod
    def from_flags(cls, **flags: Any) -> Options:
        variables = {
            name: str(flags[key])
            for key, name in (
                ("color", "primary-color"),
                ("font_size", "font-size"),
                ("line_height", "line-height"),
            )
            if flags.get(key)
        }
        known = {
            k: flags.get(k)
            for k in (
                "config",
                "encoding",
                "theme",
                "footer",
                "code_theme",
                "line_numbers",
                "mac_window",
                "autospace",
            )
        }
        return cls(**known, variables=variables, upload=bool(flags.get("upload")))


def settings_for(article: Article, options: Options) -> Settings:
    """Defaults < wxformat.toml < front matter < flags."""
    settings = load_settings(options.config, article.base_dir)
    settings = apply_front_matter(settings, article.meta)
    settings = settings.override(
        theme=options.theme,
        code_theme=options.code_theme,
        line_numbers=options.line_numbers,
        mac_window=options.mac_window,
        autospace=options.autospace,
        variables=options.variables or None,
    )
    if options.footer is not None:
        settings = replace(settings, footer=replace(settings.footer, enabled=options.footer))
    return settings


def convert_file(path: Path, options: Options) -> Result:
    """Read, configure and convert one article. Raises WxformatError for the user's problems."""
    return convert_article(read_article(path, options.encoding), options)


def convert_article(article: Article, options: Options) -> Result:
    """Configure and convert an article already read (from a file, or text given directly)."""
    settings = settings_for(article, options)
    result = convert(article, settings)
    if options.upload:
        from wxformat.publish.hosting import upload_images

        result = upload_images(result, article, settings)
    return result
