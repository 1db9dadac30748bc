"""Options, resolved once. The user's choices come from four layers, lowest first: the
theme's defaults < wxformat.toml < the article's front matter < command-line flags. They
are put together here, before `convert` runs, into one frozen ConvertOptions that carries
everything the pipeline needs: the loaded theme, the checked code theme, the footer with
its template read and filled in, and the typed publish settings. It also knows which files
an output depends on (for `convert DIR --changed` and the preview's watcher).

`Options` is the top layer: what the user gave on the command line (None: not given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxformat.article import Article
from wxformat.config import (
    Footer,
    Settings,
    code_theme_problem,
    load_settings,
    style_problem,
)
from wxformat.diagnostics import Diagnostic
from wxformat.errors import ConfigError, ThemeError, UsageError
from wxformat.footer import default_template, fill, footer_values, names_a_file
from wxformat.themes import Theme, load_theme

# the style flags, and the theme variable each sets
STYLE_FLAGS = (
    ("--color", "primary-color"),
    ("--font-size", "font-size"),
    ("--line-height", "line-height"),
)


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
    variables: Mapping[str, str] = field(default_factory=dict)
    autospace: bool | None = None
    upload: bool = False  # put every image on WeChat's CDN (needs the publish credentials)

    @classmethod
    def from_flags(
        cls,
        *,
        config: Path | None = None,
        encoding: str | None = None,
        theme: str | None = None,
        footer: bool | None = None,
        code_theme: str | None = None,
        line_numbers: bool | None = None,
        mac_window: bool | None = None,
        color: str | None = None,
        font_size: str | None = None,
        line_height: str | None = None,
        autospace: bool | None = None,
        upload: bool = False,
    ) -> Options:
        """The command line's values, the style ones checked (UsageError: exit status 2)."""
        variables: dict[str, str] = {}
        for (flag, name), value in zip(STYLE_FLAGS, (color, font_size, line_height), strict=True):
            if not value:
                continue
            problem = style_problem(name, value)
            if problem:
                what, advice = problem
                raise UsageError(f"{flag} {value!r} is {what}", advice)
            variables[name] = value.strip()
        if code_theme:
            unknown = code_theme_problem(code_theme)
            if unknown:
                raise UsageError(f"--code-theme: {unknown}", "`wxformat themes --code` lists them")
        return cls(
            config=config,
            encoding=encoding,
            theme=theme,
            footer=footer,
            code_theme=code_theme,
            line_numbers=line_numbers,
            mac_window=mac_window,
            variables=variables,
            autospace=autospace,
            upload=upload,
        )


@dataclass(frozen=True)
class PublishSettings:
    """[publish] in wxformat.toml, typed."""

    api_base: str = ""
    credentials: str = ""  # a credentials file, instead of the one in the config folder
    author: str = ""
    open_comments: bool = True
    fans_only_comments: bool = False
    timeout: float = 600.0  # seconds for a whole publish run
    request_timeout: float = 60.0  # seconds for one request, its answer read whole
    allow_private_images: bool = False  # fetch image URLs on the local network too


@dataclass(frozen=True)
class FooterPlan:
    """The footer of one article: its Markdown with the placeholders filled, and where."""

    markdown: str
    position: str = "end"  # end | top | both

    @property
    def top(self) -> bool:
        return self.position in ("top", "both")

    @property
    def end(self) -> bool:
        return self.position in ("end", "both")


@dataclass(frozen=True)
class ConvertOptions:
    """Everything `convert` needs, final: no layer is looked at again after this."""

    theme: Theme
    code_theme: str = "github"
    line_numbers: bool = False
    mac_window: bool = False
    image_embed_limit_kb: int = 1024
    references_title: str = "参考资料"
    autospace: bool = False  # a space between Chinese and Latin text (wechat.spacing)
    variables: Mapping[str, str] = field(default_factory=dict)  # theme's < [style] < flags
    footer: FooterPlan | None = None
    account: str = ""  # the account's name, for the preview's WeChat-like header
    publish: PublishSettings = field(default_factory=PublishSettings)
    config: Path | None = None  # the wxformat.toml used
    depends_on: tuple[Path, ...] = ()  # files besides the article that the output reads
    warnings: tuple[Diagnostic, ...] = ()  # problems found while resolving


def resolve(article: Article, options: Options | None = None) -> ConvertOptions:
    """The options for one article: its wxformat.toml (or --config), its front matter and
    the flags. Reads the config, the theme and the footer's files; raises ConfigError,
    ThemeError or UsageError for the user's problems."""
    options = options or Options()
    settings = load_settings(options.config, article.base_dir)
    return resolve_settings(article, settings, options)


def resolve_settings(article: Article, settings: Settings, options: Options) -> ConvertOptions:
    """As resolve, with the wxformat.toml layer already read."""
    meta = article.meta
    theme_name, chosen_by = settings.theme, ""
    front_theme = meta.get("theme")
    if isinstance(front_theme, str) and front_theme.strip():
        theme_name, chosen_by = front_theme.strip(), "in the front matter"
    if options.theme:
        theme_name, chosen_by = options.theme, "given to --theme"
    try:
        theme = load_theme(theme_name, (settings.base_dir,))
    except ThemeError as exc:
        if not chosen_by:
            raise
        # say where the name came from (wxformat.toml's is checked on reading)
        unknown = f"unknown theme {theme_name!r}"
        message = exc.message.replace(unknown, f"{unknown} {chosen_by}", 1)
        raise ThemeError(message, exc.hint) from None
    if options.code_theme:
        wrong = code_theme_problem(options.code_theme)
        if wrong:
            raise UsageError(wrong, "`wxformat themes --code` lists them")
    code_theme = options.code_theme or settings.code_theme or theme.code_theme
    mac_window = _first(options.mac_window, settings.mac_window, theme.mac_window)
    line_numbers = _first(options.line_numbers, settings.line_numbers)
    footer, footer_files, warnings = _footer(article, settings, options)
    depends = [*theme.files, *footer_files]
    if settings.source is not None:
        depends.insert(0, settings.source)
    return ConvertOptions(
        theme=theme,
        code_theme=code_theme,
        line_numbers=line_numbers,
        mac_window=mac_window,
        image_embed_limit_kb=settings.image_embed_limit_kb,
        references_title=settings.references_title,
        autospace=_first(options.autospace, _front_bool(meta, "autospace"), settings.autospace),
        variables={**theme.variables, **settings.variables, **options.variables},
        footer=footer,
        account=settings.footer.account,
        publish=PublishSettings(**dict(settings.publish)),
        config=settings.source,
        depends_on=tuple(dict.fromkeys(depends)),
        warnings=tuple(warnings),
    )


def _first(*values: bool | None) -> bool:
    return next((v for v in values if v is not None), False)


def _front_bool(meta: Mapping[str, Any], key: str) -> bool | None:
    """A true/false choice in the front matter, or None when it makes none."""
    value = meta.get(key)
    return value if isinstance(value, bool) else None


def _footer(
    article: Article, settings: Settings, options: Options
) -> tuple[FooterPlan | None, list[Path], list[Diagnostic]]:
    """The footer: on or off (wxformat.toml < front matter < --footer), its template (a file
    is read here, once), its QR code checked. Returns it, the files it read, and warnings."""
    footer = settings.footer
    enabled = footer.enabled
    template = footer.template
    template_key = "footer.template"
    chosen: Any = article.meta.get("footer", ...)
    if chosen is False or chosen is None:
        enabled = False
    elif chosen is True:
        enabled = True
    elif isinstance(chosen, str):
        enabled, template, template_key = True, chosen, "footer in the front matter"
    if options.footer is not None:
        enabled = options.footer
    has_content = bool(footer.account or footer.slogan or footer.qrcode or template or footer.links)
    if not enabled or not has_content:
        return None, [], []
    files: list[Path] = []
    warnings: list[Diagnostic] = []
    if names_a_file(template):
        path = (settings.base_dir / template).expanduser()
        try:
            template = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise ConfigError(
                f"footer template file {path} cannot be read ({template_key})",
                f"the path is relative to {_shown(settings.source) or 'the article'}",
            ) from None
        files.append(path)
    qrcode = _qrcode(footer, settings, files, warnings)
    text = template or default_template(footer, bool(qrcode))
    values = footer_values(footer, qrcode, article.meta, article.title)
    return FooterPlan(fill(text, values), footer.position), files, warnings


def _qrcode(
    footer: Footer, settings: Settings, files: list[Path], warnings: list[Diagnostic]
) -> str:
    """The QR code's address: a local file resolved against its wxformat.toml's folder, or ''
    with a warning that names the key and the file when it is not there."""
    qrcode = footer.qrcode.strip()
    if not qrcode or "://" in qrcode or qrcode.startswith("data:"):
        return qrcode
    path = (settings.base_dir / qrcode).expanduser()
    if path.is_file():
        files.append(path)
        return str(path)
    where = _shown(settings.source) or "wxformat.toml"
    warnings.append(
        Diagnostic(
            "W19",
            f"footer.qrcode = {qrcode!r} in {where}: no such file ({_shown(path)}); "
            "the footer has no QR code",
            None,
            f"the path is relative to {where}; fix it or remove the key",
        )
    )
    return ""


def _shown(path: Path | None) -> str:
    """A path as the user would write it: relative to the current folder when inside it."""
    if path is None:
        return ""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
