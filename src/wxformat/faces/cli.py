"""Command-line interface. Parses options, lazy-imports the pipeline, maps errors to exits.

Exit codes: 0 success, 1 a problem with the input, config, theme or output, 2 usage error.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from wxformat import __version__
from wxformat.errors import OutputError, UncheckableError, WxformatError
from wxformat.faces import deferred
from wxformat.faces.output import write_atomically

deferred.defer()  # before anything imports bs4, Pygments or pymdownx

if TYPE_CHECKING:
    from wxformat.options import Options
    from wxformat.pipeline import Result

F = TypeVar("F", bound=Callable[..., Any])
upload_option = click.option(
    "--upload",
    is_flag=True,
    help="Upload every image to WeChat (as publish does, same credentials) and use its "
    "mmbiz.qpic.cn URLs.",
)
_OWN_PROCESS = False  # set by entry(): this process is the `wxformat` program, not a host


def article_options(func: F) -> F:
    """The options every command that converts an article shares. The command receives
    them as one `options` argument, built by Options.from_flags (which checks them): a new
    option here needs a parameter of the same name there. A command that offers --upload
    (upload_option, above this) has it folded into the options too."""
    decorators = [
        click.option("--theme", "-t", metavar="NAME|DIR", help="Theme name or a theme folder."),
        click.option(
            "--config",
            "-c",
            "config",
            type=click.Path(path_type=Path),
            help="A wxformat.toml to use instead of the nearest one.",
        ),
        click.option(
            "--footer/--no-footer", default=None, help="Add or leave out the promo footer."
        ),
        click.option(
            "--encoding", metavar="NAME", help="Encoding of the article (default UTF-8), e.g. gbk."
        ),
        click.option(
            "--code-theme",
            metavar="NAME",
            help="Code highlighting theme (see `wxformat themes --code`).",
        ),
        click.option(
            "--line-numbers/--no-line-numbers",
            default=None,
            help="Number the lines of code blocks.",
        ),
        click.option(
            "--mac-window/--no-mac-window",
            default=None,
            help="Draw a macOS-style window bar on code blocks.",
        ),
        click.option(
            "--autospace/--no-autospace",
            default=None,
            help="Put a space between Chinese and Latin letters or digits (not in code or URLs).",
        ),
        click.option("--color", metavar="CSS", help="Primary colour of the theme, e.g. '#0f7b6c'."),
        click.option("--font-size", metavar="CSS", help="Body font size, e.g. 15px."),
        click.option("--line-height", metavar="CSS", help="Body line height, e.g. 1.8."),
    ]

    names: list[str] = []  # the parameters these options fill, read from click below

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        from wxformat.options import Options

        flags = {name: kwargs.pop(name) for name in names}
        if "upload" in kwargs:
            flags["upload"] = kwargs.pop("upload")
        return func(*args, options=Options.from_flags(**flags), **kwargs)

    wrapped: Any = command
    for option in reversed(decorators):
        wrapped = option(wrapped)
    names.extend(str(param.name) for param in wrapped.__click_params__)
    return cast(F, wrapped)


def run_convert(article_path: Path, options: Options) -> Result:
    """Convert with the user's options and print the warnings to stderr."""
    from wxformat.faces.runner import convert_file

    if _OWN_PROCESS:
        # One article, then the process ends: nearly everything it builds stays alive to
        # the end, so the garbage collector only re-walks a growing heap (a sixth of a
        # 64 KB article's time, for about 2% more memory). Preview and folders keep it on.
        gc.disable()

    result = convert_file(article_path, options)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    return result


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wxformat")
def cli() -> None:
    """Turn Markdown articles into HTML that pastes intact into the WeChat editor."""


@cli.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write here instead of stdout (a folder for DIR).",
)
@click.option(
    "--fragment", is_flag=True, help="Write only the <section> to paste, not a whole page."
)
@click.option(
    "--changed", is_flag=True, help="With a folder: skip articles whose output is newer than them."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    help="With a folder: parallel workers (default: all cores).",
)
@upload_option
@article_options
def convert(
    article: Path,
    output: Path | None,
    fragment: bool,
    changed: bool,
    jobs: int | None,
    options: Options,
) -> None:
    """Convert an article, or a folder of them, to WeChat-ready HTML.

    ARTICLE is a Markdown file, or a folder (with -o OUTDIR) whose articles are all
    converted."""
    if os.path.isdir(article):  # not Path.is_dir: a name over 255 bytes raises there
        convert_folder_command(article, output, changed, jobs, options)
        return
    if output is not None and same_file(article, output):
        raise OutputError(
            f"-o {output} is the input article", "write the HTML to another file, e.g. post.html"
        )
    result = run_convert(article, options)
    parts = (result.fragment,) if fragment else result.page_parts()
    if output is None:
        click.echo("".join(parts))
    else:
        write_atomically(output, *parts, "\n")  # in pieces: a long article is not copied
        # the count is of the part to paste (as copy counts it), not of the page around it
        click.echo(
            f"wrote {output} (theme {result.theme}; {len(result.fragment):,} characters to paste)",
            err=True,
        )
        if not fragment and _interactive():
            click.echo(next_steps(output, article), err=True)


def _interactive() -> bool:
    """Someone is watching the messages: stderr is a terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def next_steps(page: Path, article: Path) -> str:
    """What to do with a page written to a file, for someone who has just made one."""
    return (
        f"next: open {page} in a browser, select all (Ctrl+A, or Cmd+A on a Mac), copy, and "
        f"paste into the WeChat editor; or skip the file: wxformat copy {article}"
    )


def convert_folder_command(
    folder: Path, output: Path | None, changed: bool, jobs: int | None, options: Options
) -> None:
    from wxformat.faces.batch import BATCH_SUFFIXES, convert_folder, output_for, plan

    if output is None:
        raise OutputError(
            f"{folder} is a folder: give an output folder", f"wxformat convert {folder} -o out/"
        )
    if output.exists() and not output.is_dir():
        raise OutputError(f"-o {output} is a file", "give a folder for the converted articles")
    if output.suffix.lower() in (".html", ".htm") and not output.exists():
        raise OutputError(
            f"-o {output} looks like a file name, but {folder} is a folder of articles",
            f"give an output folder, e.g. wxformat convert {folder} -o out/",
        )
    if same_file(folder, output):
        raise OutputError(
            f"-o {output} is the folder of the articles",
            f"write the HTML to a folder of its own, e.g. -o {folder / 'out'}",
        )
    planned = plan(folder, output)
    if not planned:
        inside = any(p.suffix.lower() in BATCH_SUFFIXES for p in output.rglob("*"))
        raise OutputError(
            f"no Markdown articles under {folder}"
            + (f" outside -o {output}, which holds the only ones" if inside else ""),
            "give -o a folder of its own" if inside else "articles end in .md or .markdown",
        )
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create folder {output}: {exc.strerror}", "choose another -o folder"
        ) from None
    for source, target in planned:
        usual = output_for(source, folder, output)
        if target != usual:
            click.echo(
                f"note: {source} is written to {target}, as another article would be {usual.name}",
                err=True,
            )
    total = len(planned)
    with click.progressbar(length=total, label="converting", file=sys.stderr, show_pos=True) as bar:
        outcomes = convert_folder(
            folder,
            output,
            options,
            changed,
            jobs,
            progress=lambda _: bar.update(1),
        )
    failed = [o for o in outcomes if o.status == "failed"]
    converted = [o for o in outcomes if o.status == "converted"]
    unchanged = sum(1 for o in outcomes if o.status == "unchanged")
    warned = [o for o in converted if o.warnings]
    for o in warned:  # as `convert` does for one article, each named by its article
        for warning in o.warnings:
            click.echo(f"warning: {o.source}: {warning}", err=True)
    for o in failed:
        click.echo(f"failed: {o.source}: {o.error}", err=True)
    warnings = sum(len(o.warnings) for o in converted)
    click.echo(
        f"{len(converted)} converted ({len(warned)} with warnings, {warnings} "
        f"warning{'' if warnings == 1 else 's'}), {unchanged} unchanged, "
        f"{len(failed)} failed -> {output}",
        err=True,
    )
    if failed:
        sys.exit(1)


@cli.command()
@click.option(
    "--gallery",
    "gallery",
    type=click.Path(path_type=Path),
    metavar="OUTDIR",
    help="Render a sample article in every theme into OUTDIR.",
)
@click.option("--code", "code", is_flag=True, help="List the code highlighting themes instead.")
@click.option("--no-screenshots", is_flag=True, help="With --gallery: skip the PNG screenshots.")
def themes(gallery: Path | None, code: bool, no_screenshots: bool) -> None:
    """List the themes, or build a gallery to compare them."""
    from wxformat.faces import themes_cli

    if code:
        from wxformat.themes import CODE_THEMES

        click.echo("\n".join(CODE_THEMES))
        return
    if gallery is None:
        click.echo(themes_cli.theme_listing(themes_cli.all_themes()))
        return
    if gallery.exists() and not gallery.is_dir():
        raise OutputError(f"{gallery} is a file", "give a folder for the gallery")
    # the screenshots take a few seconds each: say what is happening before it does
    chromium = None if no_screenshots else themes_cli.find_chromium()
    click.echo(
        f"rendering {len(themes_cli.all_themes())} themes into {gallery}"
        + (
            f", with light and dark screenshots by {chromium} (a few seconds each)"
            if chromium
            else ""
        )
        + " ...",
        err=True,
    )
    entries = themes_cli.build_gallery(gallery, shots=not no_screenshots)
    shots = sum(1 for e in entries if e.png) + sum(1 for e in entries if e.dark_png)
    note = (
        f", {shots} screenshots (light, and dark as WeChat draws it)"
        if shots
        else " (no Chromium found: no screenshots)"
    )
    click.echo(f"wrote {gallery / 'index.html'}: {len(entries)} themes{note}", err=True)


@cli.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; keep 127.0.0.1 unless you know why.",
)
@click.option(
    "--open/--no-open", "open_browser", default=True, help="Open the browser on the page."
)
@upload_option
@article_options
def preview(article: Path, port: int, host: str, open_browser: bool, options: Options) -> None:
    """Preview an article at phone width, live, in any theme."""
    from wxformat.article import read_article
    from wxformat.faces.preview import PreviewServer

    read_article(article, options.encoding)  # a missing or unreadable file fails here, clearly
    if options.upload:  # missing credentials fail here, in one line, not in the page
        from wxformat.config import load_settings
        from wxformat.faces.publish.account import connect
        from wxformat.options import PublishSettings

        folder = article.resolve().parent
        connect(PublishSettings(**dict(load_settings(options.config, folder).publish)), folder)
    try:
        server = PreviewServer(article, options, host=host, port=port)
    except OSError as exc:
        raise OutputError(
            f"cannot listen on {host}:{port}: {exc.strerror}", "choose another --port, or --port 0"
        ) from None
    server.start()
    previous = _stop_on_signals()
    try:
        click.echo(f"previewing {article} at {server.url} (Ctrl+C to stop)", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        _restore_signals(previous)
        click.echo("preview stopped", err=True)


_STOP_SIGNALS = ("SIGINT", "SIGTERM")


def _stop_on_signals() -> dict[int, Any]:
    """Make the first Ctrl+C (SIGINT) or SIGTERM stop a long-running command, even where the
    process was started with SIGINT ignored (a background job, some terminals and IDEs);
    signals that arrive while it stops are ignored. Returns the handlers it replaced."""
    import signal

    def stop(signum: int, frame: object) -> None:
        for name in _STOP_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    previous: dict[int, Any] = {}
    for name in _STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, stop)
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    import signal

    for number, handler in previous.items():
        signal.signal(number, handler)


@cli.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--print", "print_only", is_flag=True, help="Write what would be copied to stdout instead."
)
@click.option(
    "--html-source",
    is_flag=True,
    help="Copy the HTML source as plain text (for editors that take HTML).",
)
@upload_option
@article_options
def copy(article: Path, print_only: bool, html_source: bool, options: Options) -> None:
    """Copy an article to the clipboard, ready to paste into WeChat."""
    from bs4 import BeautifulSoup

    from wxformat.faces import clipboard

    result = run_convert(article, options)
    if print_only:
        click.echo(result.fragment)
        return
    try:
        if html_source:
            copied = clipboard.copy_text(result.fragment)
        else:
            text = BeautifulSoup(result.fragment, "html.parser").get_text("\n")
            copied = clipboard.copy(clipboard.Payload(result.fragment, text))
    except clipboard.ClipboardError as exc:  # the alternatives, as commands for this article
        if exc.hint:
            exc.hint = exc.hint.replace(clipboard.INSTEAD, clipboard.instead_for(article))
        raise
    images = result.fragment.count("<img")
    warnings = len(result.warnings)
    click.echo(
        f'copied "{result.title}": {len(result.fragment):,} characters, {images} '
        f"image{'s' if images != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
        f"({copied.how})",
        err=True,
    )


@cli.command()
@click.argument("target", type=click.Path(path_type=Path), metavar="ARTICLE.md|FILE.html")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--spacing",
    is_flag=True,
    help="Also note (S1) where Chinese and Latin text lack a space between them.",
)
@article_options
def check(target: Path, fmt: str, spacing: bool, options: Options) -> None:
    """Report what WeChat would break in an article or HTML file.

    Exit status: 0 clean, 1 problems found, 2 the file could not be checked. Style notes
    (--spacing) never change it.
    """
    from wxformat.faces.check import check_file

    try:
        report = check_file(target, options, spacing)
    except WxformatError as exc:
        raise UncheckableError(exc.message, exc.hint) from exc
    except OSError as exc:
        raise UncheckableError(f"cannot check {target}: {exc.strerror}", "check the path") from None
    click.echo(report.json() if fmt == "json" else report.text())
    sys.exit(0 if report.clean else 1)


@cli.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Do everything but the network calls; print the plan."
)
@click.option("--json", "as_json", is_flag=True, help="Print the full draft payload as JSON.")
@click.option(
    "--keep-title-heading",
    is_flag=True,
    help="Keep an opening # heading that repeats the title (WeChat shows the title anyway).",
)
@click.option(
    "--comments/--no-comments", default=None, help="Open comments on the article (default: on)."
)
@click.option(
    "--fans-only-comments/--anyone-comments", default=None, help="Only followers may comment."
)
@click.option(
    "--allow-private-images",
    is_flag=True,
    help="Also fetch image URLs on loopback, link-local or private addresses.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Give up after this long in all (default 600; one request: 60).",
)
@click.option(
    "--new-draft",
    is_flag=True,
    help="Create a new draft even if this article was published as a draft before.",
)
@article_options
def publish(
    article: Path,
    dry_run: bool,
    as_json: bool,
    keep_title_heading: bool,
    comments: bool | None,
    fans_only_comments: bool | None,
    allow_private_images: bool,
    timeout: float | None,
    new_draft: bool,
    options: Options,
) -> None:
    """Publish an article as a draft in the Official Account.

    Its images are uploaded to WeChat first. Publishing the same article again updates
    the draft it made last time."""
    import json

    from wxformat.faces.publish.run import publish as publish_article

    plan = publish_article(
        article,
        options,
        dry_run=dry_run,
        comments=comments,
        fans_only=fans_only_comments,
        keep_title_heading=keep_title_heading,
        allow_private_images=allow_private_images,
        timeout=timeout,
        new_draft=new_draft,
    )
    images = f"{len(plan.uploaded)} uploaded, {len(plan.reused)} already on WeChat"
    if as_json:
        click.echo(json.dumps(plan.draft, ensure_ascii=False, indent=2))
    if dry_run:
        if not as_json:
            click.echo(plan.summary(dry_run=True))
        click.echo("dry run: nothing was sent (--json prints the full draft)", err=True)
        return
    if plan.note:
        click.echo(f"note: {plan.note}", err=True)
    done = "updated" if plan.action == "update" else "created"
    click.echo(f"draft {done}: media_id {plan.media_id} ({images})", err=True)
    click.echo("open mp.weixin.qq.com > 内容管理 > 草稿箱 to review and publish it", err=True)


@cli.group()
def setup() -> None:
    """Install optional parts that come from outside PyPI (run once)."""


@setup.command("mermaid")
@click.option(
    "--node", metavar="PATH", help="The Node.js program to use (default: `node` on PATH)."
)
@click.option(
    "--chromium",
    metavar="PATH",
    help="A Chromium-family browser (default: $WXFORMAT_CHROMIUM, else chromium or "
    "google-chrome on PATH).",
)
@click.option("--reinstall", is_flag=True, help="Install Mermaid again even if it is there.")
def setup_mermaid(node: str | None, chromium: str | None, reinstall: bool) -> None:
    """Install Mermaid from npm so `mermaid` fences become images.

    Needs Node.js with npm and a Chromium-family browser; Mermaid goes into wxformat's
    cache folder, once."""
    from wxformat import mermaid

    installed = (mermaid.home() / "node_modules" / "mermaid" / "package.json").is_file()
    doing = "checking" if installed and not reinstall else "installing (npm, once)"
    click.echo(f"Mermaid in {mermaid.home()}: {doing} ...", err=True)
    found = mermaid.setup(node, chromium, reinstall)
    click.echo(
        f"Mermaid {found.version} is ready (Node.js {found.node}, browser {found.chromium}): "
        "mermaid fences now convert to images",
        err=True,
    )


@cli.command()
def mcp() -> None:
    """Serve the Model Context Protocol over stdio, for AI assistants.

    Tools: convert, check, themes and publish (a dry run unless confirm is true).
    Needs the extra: pip install 'wxformat[mcp]'."""
    import importlib.util

    if importlib.util.find_spec("mcp") is None:
        raise WxformatError(
            "the MCP server needs the mcp package, which is not installed",
            "pip install 'wxformat[mcp]'",
        )
    from wxformat.faces.mcp_server import serve

    serve()


def entry() -> None:
    """The `wxformat` program (console script and `python -m wxformat`): main() in a
    process of its own, which may tune the garbage collector for a short life."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        main()
    finally:
        # Everything still alive is about to be freed by the OS: move it out of the garbage
        # collector's sight, or the interpreter's shutdown walks it (40 ms of a cold start)
        gc.freeze()


def main() -> None:
    """The command line, as run in-process (tests call this): errors become exit codes."""
    try:
        cli.main(standalone_mode=False)
    except WxformatError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # a file system refusal no stage foresaw: still one line, no trace
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where} (hint: check the path)", err=True)
        sys.exit(1)
