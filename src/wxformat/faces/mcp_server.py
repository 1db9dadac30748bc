"""`wxformat mcp`: the Model Context Protocol over stdio, with the official Python SDK, so AI
assistants can format, check and publish articles.

Tools: `convert` (Markdown text or a file -> the pasteable HTML and the warnings), `check`,
`themes`, and `publish` (a dry run unless the caller passes `confirm: true`). Every tool
runs the same functions as the command line; a problem the user can fix comes back as a
tool error carrying the same one-line message. Nothing is printed to stdout, which carries
the protocol.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from typing_extensions import TypedDict

from wxformat import __version__
from wxformat.article import Article, parse_article, read_article
from wxformat.errors import InputError, WxformatError
from wxformat.faces.runner import Options

INSTRUCTIONS = (
    "wxformat turns Markdown articles into HTML that pastes intact into the WeChat Official "
    "Account editor (微信公众号). Use `convert` to get the HTML, `check` to see what WeChat "
    "would break, `themes` to choose a look, and `publish` to create or update a draft "
    "(a dry run unless confirm is true)."
)


class ConvertOutput(TypedDict):
    html: str  # the <section> to paste, or a whole page when page is true
    title: str
    theme: str
    warnings: list[str]


class CheckOutput(TypedDict):
    file: str
    clean: bool
    problems: list[dict[str, Any]]
    notes: list[dict[str, Any]]


class ThemeInfo(TypedDict):
    name: str
    title: str
    title_zh: str
    description: str


class ThemesOutput(TypedDict):
    themes: list[ThemeInfo]
    code_themes: list[str]


class PublishOutput(TypedDict):
    dry_run: bool
    action: str  # "add" a new draft or "update" the one published before
    media_id: str
    note: str
    uploaded: list[str]
    reused: list[str]
    draft: dict[str, Any]


@contextmanager
def _as_tool_errors() -> Iterator[None]:
    """The user's problems become tool errors with the command line's one-line message."""
    try:
        yield
    except WxformatError as exc:
        raise ToolError(exc.format_message()) from None


def _options(
    theme: str | None,
    code_theme: str | None,
    footer: bool | None,
    autospace: bool | None,
    upload: bool = False,
    config: str | None = None,
) -> Options:
    return Options(
        theme=theme or None,
        code_theme=code_theme or None,
        footer=footer,
        autospace=autospace,
        upload=upload,
        config=Path(config).expanduser() if config else None,
    )


def _article(markdown: str | None, path: str | None, base_dir: str | None) -> Article:
    if (markdown is None) == (path is None):
        raise InputError(
            "give either markdown (the article's text) or path (a .md file), not both",
            "pass one of them",
        )
    if path is not None:
        return read_article(Path(path).expanduser())
    folder = Path(base_dir).expanduser() if base_dir else Path.cwd()
    if not folder.is_dir():
        raise InputError(f"base_dir {folder} is not a folder", "give the article's folder")
    return parse_article(str(markdown), folder.resolve() / "article.md")


def build_server() -> MCPServer:
    server: MCPServer = MCPServer(name="wxformat", version=__version__, instructions=INSTRUCTIONS)
    tool = server.tool

    @tool()
    def convert(
        markdown: str | None = None,
        path: str | None = None,
        base_dir: str | None = None,
        theme: str | None = None,
        code_theme: str | None = None,
        footer: bool | None = None,
        autospace: bool | None = None,
        upload: bool = False,
        page: bool = False,
        config: str | None = None,
    ) -> ConvertOutput:
        """Convert a Markdown article to WeChat-ready HTML. Give `markdown` (the text; relative
        images resolve from `base_dir`, default the server's folder) or `path` (a .md file).
        `theme` names a theme (see the themes tool); `autospace` spaces Chinese from Latin
        text; `upload` puts every image on WeChat's CDN (needs the publish credentials);
        `page` returns a whole HTML page instead of the <section> to paste."""
        from wxformat.faces.runner import convert_article

        with _as_tool_errors():
            article = _article(markdown, path, base_dir)
            options = _options(theme, code_theme, footer, autospace, upload, config)
            result = convert_article(article, options)
        return {
            "html": result.page() if page else result.fragment,
            "title": result.title,
            "theme": result.theme,
            "warnings": [str(w) for w in result.warnings],
        }

    @tool()
    def check(
        markdown: str | None = None,
        path: str | None = None,
        base_dir: str | None = None,
        theme: str | None = None,
        spacing: bool = False,
        config: str | None = None,
    ) -> CheckOutput:
        """Report what WeChat would break in an article before pasting: each problem with its
        rule id (W1-W22), source line and fix. Give `markdown` text or `path` (a .md or .html
        file). `spacing` adds style notes (S1) where Chinese and Latin text lack a space."""
        from wxformat.faces.check import check_file, check_parsed

        with _as_tool_errors():
            options = _options(theme, None, None, None, config=config)
            if path is not None and markdown is None:
                report = check_file(Path(path).expanduser(), options, spacing)
            else:
                article = _article(markdown, path, base_dir)
                report = check_parsed(article, options, spacing, "article")
        return {
            "file": report.file,
            "clean": report.clean,
            "problems": [asdict(p) for p in report.problems],
            "notes": [asdict(n) for n in report.notes],
        }

    @tool()
    def themes() -> ThemesOutput:
        """The built-in themes (name, English and Chinese title, description) and the code
        highlighting themes, for the `theme` and `code_theme` options."""
        from wxformat.faces.themes_cli import all_themes
        from wxformat.themes import CODE_THEMES

        with _as_tool_errors():
            found = all_themes()
        return {
            "themes": [
                {
                    "name": t.name,
                    "title": t.title,
                    "title_zh": t.title_zh,
                    "description": t.description,
                }
                for t in found
            ],
            "code_themes": list(CODE_THEMES),
        }

    @tool()
    def publish(
        path: str,
        confirm: bool = False,
        new_draft: bool = False,
        theme: str | None = None,
        code_theme: str | None = None,
        footer: bool | None = None,
        autospace: bool | None = None,
        config: str | None = None,
    ) -> PublishOutput:
        """Publish the article at `path` as a draft in the Official Account: images uploaded,
        the draft made last time updated (`new_draft` for a new one). Without
        `confirm: true` this is a dry run that sends nothing and returns the draft it would
        send; ask the user before confirming."""
        from wxformat.faces.publish.run import publish as publish_article

        with _as_tool_errors():
            options = _options(theme, code_theme, footer, autospace, config=config)
            plan = publish_article(
                Path(path).expanduser(), options, dry_run=not confirm, new_draft=new_draft
            )
        return {
            "dry_run": not confirm,
            "action": plan.action,
            "media_id": plan.media_id,
            "note": plan.note,
            "uploaded": plan.uploaded,
            "reused": plan.reused,
            "draft": plan.draft,
        }

    return server


def serve() -> None:
    """Serve over stdio until the client closes the connection."""
    build_server().run("stdio")
