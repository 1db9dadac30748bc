"""Mermaid diagrams as images: `wxformat setup mermaid` installs the real Mermaid (and
playwright-core to drive the browser) from npm into wxformat's cache folder, once; then
`draw` renders diagrams in headless Chromium to PNG at 2x through render.mjs, beside this
file, run by Node.js. Each PNG is cached by a hash of its source and the Mermaid version.

WeChat keeps neither Mermaid's SVG `<style>` nor its `foreignObject` labels, so a picture
is the only form that survives the paste (W1). The picture is an opaque light card, so it
stays readable when WeChat's dark mode darkens the page around it (W21).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wxformat.errors import WxformatError

MERMAID_PACKAGE = "mermaid@12"  # the major version whose output this was checked against
DRIVER_PACKAGE = "playwright-core@1"
SCALE = 2
MARGIN = 12  # CSS pixels of background around the drawing
BACKGROUND = "#ffffff"
FONT = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Source Han Sans SC',sans-serif"
RENDERER = "wx-mermaid-v2"  # bump when render.mjs changes what it draws
SETUP_COMMAND = "wxformat setup mermaid"
TIMEOUT = 120  # seconds for one article's diagrams, browser start included
RENDER_SCRIPT = Path(__file__).with_name("render.mjs")
RENDERER_FAILURES = ("Chromium ", "Node.js ")  # how _render's own failures begin
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class SetupError(WxformatError):
    """Mermaid cannot be set up, or the setup no longer works."""


def is_renderer_failure(reason: str) -> bool:
    """Whether a diagram's failure lies with Node.js or Chromium, not with its source."""
    return reason.startswith(RENDERER_FAILURES)


@dataclass(frozen=True)
class Installation:
    home: Path
    node: str
    chromium: str
    version: str  # Mermaid's

    @property
    def script(self) -> Path:
        return self.home / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"


def home() -> Path:
    """Where Mermaid is installed: `mermaid` in wxformat's cache folder (the platform's
    when WXFORMAT_CACHE_DIR is `off`: the installation is not a conversion cache)."""
    from wxformat.paths import APP, cache_dir

    if (folder := cache_dir()) is None:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir(APP, appauthor=False))
    return folder / "mermaid"


def installation() -> Installation | None:
    """The working setup, or None when `wxformat setup mermaid` has not been run (or what it
    found is gone)."""
    folder = home()
    try:
        saved = json.loads((folder / "setup.json").read_text(encoding="utf-8"))
        found = Installation(folder, str(saved["node"]), str(saved["chromium"]), saved["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (found.script.is_file() and Path(found.node).is_file()):
        return None
    if not Path(found.chromium).is_file():
        return None
    return found


def _png_path(found: Installation, source: str) -> Path:
    digest = hashlib.sha256(
        "\x1f".join((RENDERER, found.version, str(SCALE), BACKGROUND, source)).encode("utf-8")
    ).hexdigest()
    return found.home / "png" / f"{digest}.png"


def draw(found: Installation, sources: list[str]) -> list[Path | str]:
    """Each diagram's PNG file, or the one-line reason it could not be drawn. Cached PNGs
    are reused; the rest are drawn in one browser session."""
    paths = [_png_path(found, source) for source in sources]
    missing = sorted({s for s, p in zip(sources, paths, strict=True) if not p.is_file()})
    errors: dict[str, str] = {}
    if missing:
        for source, outcome in zip(missing, _render(found, missing), strict=True):
            if isinstance(outcome, str):
                errors[source] = outcome
            else:
                _save(_png_path(found, source), outcome)
    return [errors.get(s) or p for s, p in zip(sources, paths, strict=True)]


def _render(found: Installation, sources: list[str]) -> list[bytes | str]:
    request = {
        "chromium": found.chromium,
        "mermaid": str(found.script),
        "scale": SCALE,
        "font": FONT,
        "background": BACKGROUND,
        "diagrams": sources,
    }
    try:
        done = subprocess.run(
            [found.node, str(RENDER_SCRIPT)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            cwd=found.home,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return [f"Chromium took over {TIMEOUT} s to draw the diagrams"] * len(sources)
    except OSError as exc:
        return [f"Node.js could not run ({exc.strerror})"] * len(sources)
    try:
        results = json.loads(done.stdout)["results"]
        if len(results) != len(sources):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return [f"Chromium could not draw it ({_last_line(done)})"] * len(sources)
    out: list[bytes | str] = []
    for result in results:
        if "png" in result:
            import base64

            out.append(base64.b64decode(result["png"]))
        else:
            out.append(str(result.get("error") or "Mermaid could not draw it"))
    return out


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    stderr = done.stderr or ""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no output"


def _save(path: Path, png: bytes) -> None:
    """Store the PNG without an alpha channel (an opaque picture cannot lose its lines to a
    dark background), trimmed to the drawing and an even margin: Mermaid's SVGs often
    carry empty space below (sequence diagrams) or beside it."""
    from PIL import Image, ImageChops

    picture = Image.open(io.BytesIO(png))
    flat = Image.new("RGB", picture.size, BACKGROUND)
    flat.paste(picture, mask=picture.getchannel("A") if "A" in picture.getbands() else None)
    drawn = ImageChops.difference(flat, Image.new("RGB", flat.size, BACKGROUND)).getbbox()
    if drawn is not None:
        margin = MARGIN * SCALE
        left, top, right, bottom = drawn
        flat = flat.crop(
            (
                max(0, left - margin),
                max(0, top - margin),
                min(flat.width, right + margin),
                min(flat.height, bottom + margin),
            )
        )
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(out.getvalue())
    os.replace(tmp, path)


# --- setup -------------------------------------------------------------------------------


def _browser_on_path() -> str | None:
    found = (shutil.which(name) for name in BROWSERS)
    return next((path for path in found if path), None)


def _npm_for(node: str) -> str | None:
    beside = Path(node).with_name("npm")
    return str(beside) if beside.is_file() else shutil.which("npm")


def setup(
    node: str | None = None, chromium: str | None = None, reinstall: bool = False
) -> Installation:
    """Install Mermaid into home() (npm, once), record Node.js and Chromium, and draw a test
    diagram so a broken setup says so now, not at the first conversion."""
    node = node or shutil.which("node")
    if not node or not Path(node).is_file():
        raise SetupError(
            "Node.js was not found" + (f" at {node}" if node else " on PATH"),
            "install Node.js and npm (Debian: apt-get install nodejs npm), or give --node PATH",
        )
    chromium = chromium or os.environ.get("WXFORMAT_CHROMIUM") or _browser_on_path()
    if not chromium or not Path(chromium).is_file():
        raise SetupError(
            "no Chromium-family browser was found" + (f" at {chromium}" if chromium else ""),
            "install Chromium (Debian: apt-get install chromium), or give --chromium PATH",
        )
    folder = home()
    script = folder / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if reinstall or not script.is_file():
        npm = _npm_for(node)
        if npm is None:
            raise SetupError("npm was not found beside Node.js or on PATH", "install npm")
        folder.mkdir(parents=True, exist_ok=True)
        command = [
            npm,
            "install",
            "--prefix",
            str(folder),
            "--no-save",
            "--no-package-lock",
            "--no-audit",
            "--no-fund",
            "--omit=dev",
            MERMAID_PACKAGE,
            DRIVER_PACKAGE,
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SetupError(f"npm could not run: {exc}", "check npm and the network") from None
        if done.returncode != 0 or not script.is_file():
            raise SetupError(
                f"npm could not install {MERMAID_PACKAGE}: {_last_line(done)}",
                "check the network and npm's registry setting, then run it again",
            )
    package = json.loads((script.parents[1] / "package.json").read_text(encoding="utf-8"))
    found = Installation(folder, node, chromium, str(package["version"]))
    outcome = _render(found, ["graph LR\n  setup --> works"])[0]
    if isinstance(outcome, str):
        raise SetupError(
            f"Mermaid is installed but {chromium} could not draw with it: {outcome}",
            "give another browser with --chromium PATH",
        )
    (folder / "setup.json").write_text(
        json.dumps({"node": node, "chromium": chromium, "version": found.version}, indent=1),
        encoding="utf-8",
    )
    return found
