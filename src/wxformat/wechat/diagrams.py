"""W1 diagrams: a `mermaid` fence becomes a picture once `wxformat setup mermaid` has
installed Mermaid (see wxformat.mermaid): the PNG goes in as a local image, which the
images fixer then embeds (and `--upload` or publish puts on WeChat's CDN) like any other.
Without the setup, or when Mermaid cannot draw a diagram, the fence stays code and the
code-block fixer warns, naming the setup command."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from wxformat.tree import first, tags
from wxformat.wechat.context import Context

FAILED = "data-wx-diagram-failed"  # read and removed by fix_code_blocks


def _mermaid_blocks(soup: BeautifulSoup) -> list[tuple[Tag, str]]:
    blocks = []
    for pre in tags(soup, "pre"):
        code = first(pre, "code")
        if code is not None and "language-mermaid" in (code.get("class") or []):
            blocks.append((pre, code.get_text().rstrip("\n")))
    return blocks


def fix_diagrams(soup: BeautifulSoup, ctx: Context) -> None:
    if ctx.source and "mermaid" not in ctx.source:
        return  # most articles: no walk of the tree at all
    blocks = _mermaid_blocks(soup)
    if not blocks:
        return
    outcomes = ctx.diagrams.draw([source for _, source in blocks])
    if outcomes is None:
        return  # not set up: fix_code_blocks warns, naming the setup command
    from wxformat.mermaid import SCALE, SETUP_COMMAND, is_renderer_failure

    for (pre, source), outcome in zip(blocks, outcomes, strict=True):
        if isinstance(outcome, str):
            pre[FAILED] = "1"
            ctx.warn(
                "W1",
                f"a mermaid diagram could not be drawn, so it is shown as code: {outcome}",
                ctx.line_of(source.strip().split("\n")[0]),
                f"run `{SETUP_COMMAND}` again: it checks Node.js and Chromium"
                if is_renderer_failure(outcome)
                else "fix the diagram's syntax (see mermaid.js.org)",
            )
            continue
        # drawn at 2x for sharpness, shown at its natural size (narrower screens shrink it)
        width = str(_png_width(ctx, outcome) // SCALE or "")
        paragraph = soup.new_tag("p")
        paragraph.append(
            soup.new_tag("img", attrs={"src": outcome.as_uri(), "alt": "", "width": width})
        )
        pre.replace_with(paragraph)


def _png_width(ctx: Context, path: Path) -> int:
    try:
        header = ctx.files.read(path)[:24]
    except OSError:
        return 0
    return int.from_bytes(header[16:20], "big") if header[12:16] == b"IHDR" else 0
