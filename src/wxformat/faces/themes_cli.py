"""`wxformat themes`: list the themes, and render a gallery of one sample in every theme."""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wxformat.article import read_article
from wxformat.config import load_settings
from wxformat.faces.runner import DiskFiles
from wxformat.options import Options, resolve_settings
from wxformat.pipeline import convert
from wxformat.themes import Theme, builtin_names, load_theme

SAMPLE = Path(__file__).parent / "samples" / "gallery.md"


def all_themes() -> list[Theme]:
    """Built-in themes, the default first."""
    names = builtin_names()
    names.sort(key=lambda n: (n != "default", n))
    return [load_theme(name) for name in names]


def theme_listing(themes: list[Theme]) -> str:
    width = max(len(t.name) for t in themes)
    lines = []
    for t in themes:
        lines.append(f"{t.name.ljust(width)}  {t.title} / {t.title_zh}")
        lines.append(f"{' ' * width}  {t.description}")
        lines.append(f"{' ' * width}  {t.description_zh}")
    return "\n".join(lines)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(chromium: str, page: Path, png: Path, width: int = 375, height: int = 1400) -> bool:
    """A phone-width screenshot of a local page; False when Chromium fails."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--force-device-scale-factor=2",
        f"--window-size={width},{height}",
        f"--screenshot={png}",
        page.resolve().as_uri(),
    ]
    try:
        run = subprocess.run(command, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0 and png.exists()


@dataclass
class GalleryEntry:
    theme: Theme
    page: str
    png: str | None
    dark_png: str | None = None  # the same article as WeChat's dark mode shows it


def build_gallery(outdir: Path, shots: bool = True) -> list[GalleryEntry]:
    """Render the sample in every theme into outdir, with an index page to compare them."""
    outdir.mkdir(parents=True, exist_ok=True)
    article = read_article(SAMPLE)
    base = load_settings(None, article.base_dir)
    chromium = find_chromium() if shots else None
    entries = []
    for theme in all_themes():
        options = resolve_settings(article, base, Options(theme=theme.name))
        result = convert(article, options, files=DiskFiles())
        page = outdir / f"{theme.name}.html"
        page.write_text(result.page(), encoding="utf-8")
        png = outdir / f"{theme.name}.png"
        shot = chromium is not None and screenshot(chromium, page, png)
        dark_page = outdir / f"{theme.name}.dark.html"
        dark_page.write_text(result.page(dark=True), encoding="utf-8")
        dark_png = outdir / f"{theme.name}.dark.png"
        dark_shot = chromium is not None and screenshot(chromium, dark_page, dark_png)
        entries.append(
            GalleryEntry(
                theme, page.name, png.name if shot else None, dark_png.name if dark_shot else None
            )
        )
    (outdir / "index.html").write_text(_index(entries), encoding="utf-8")
    return entries


def _index(entries: list[GalleryEntry]) -> str:
    cards = []
    for e in entries:
        t = e.theme
        alt = html.escape(t.title)
        light = (
            f'<img src="{e.png}" alt="{alt}" loading="lazy">'
            if e.png
            else f'<iframe src="{e.page}" title="{alt}"></iframe>'
        )
        dark_page = e.page.replace(".html", ".dark.html")
        dark = (
            f'<img src="{e.dark_png}" alt="{alt} (dark)" loading="lazy">'
            if e.dark_png
            else f'<iframe src="{dark_page}" title="{alt} (dark)"></iframe>'
        )
        cards.append(
            f'<div class="card"><div class="pair"><a class="phone" href="{e.page}">{light}</a>'
            f'<a class="phone dark" href="{dark_page}">{dark}</a></div>'
            f"<h2>{html.escape(t.title_zh)} <small>{html.escape(t.title)} · "
            f"<code>{t.name}</code></small></h2><p>{html.escape(t.description_zh)}</p>"
            f"<p class=en>{html.escape(t.description)}</p></div>"
        )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>wxformat themes / 主题一览</title><style>{GALLERY_CSS}</style></head>"
        "<body><h1>wxformat 主题一览 <small>themes</small></h1>"
        f'<div class="grid">{"".join(cards)}</div></body></html>'
    )


GALLERY_CSS = """
body{margin:0;padding:32px;background:#f3f4f6;color:#111;
  font:15px/1.6 -apple-system,'PingFang SC',sans-serif}
h1{margin:0 0 24px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:28px}
.card{display:block;background:#fff;border-radius:16px;padding:16px;color:inherit;
  text-decoration:none;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card:hover{box-shadow:0 6px 24px rgba(0,0,0,.12)}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.phone{display:block;height:520px;overflow:hidden;border:1px solid #e5e7eb;border-radius:12px}
.phone.dark{background:#191919;border-color:#000}
.phone img{width:100%;display:block}
.phone iframe{width:375px;height:1040px;border:0;transform:scale(.72);transform-origin:0 0}
h2{font-size:17px;margin:12px 0 4px}
small{color:#6b7280;font-weight:normal}
p{margin:0;color:#374151}
.en{color:#6b7280;font-size:13px}
"""
