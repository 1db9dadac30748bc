"""MathJax 3 in an embedded V8 (mini-racer): TeX in, WeChat-safe SVG pieces out.

MathJax's own files come from the `django-static-mathjax` package (MathJax 3.2.2's
unmodified `es5/` build, found with importlib.resources); wxformat adds only mathjax.js
beside this module: the configuration and the step that flattens MathJax's SVG into what
the WeChat editor keeps. V8 starts on the first formula that is not in the cache, once per
process, behind a lock; nothing here is imported by `--help` or by an article without math.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

# MathJax's es5 build: the startup component, the core, the liteDOM adaptor (no browser
# DOM in bare V8), TeX input with every extension, SVG output and its TeX font
_MATHJAX_FILES = (
    "startup.js",
    "core.js",
    "adaptors/liteDOM.js",
    "input/tex-full.js",
    "output/svg.js",
    "output/svg/fonts/tex.js",
)
TIMEOUT = 2.0  # seconds of V8 work one formula may take before it is shown as TeX
MAX_HEAP = 512 * 1024 * 1024  # V8's heap past this stops the formula, not the machine


class MathError(Exception):
    pass


class MathUnavailable(MathError):
    """MathJax is not installed or cannot start: every formula stays TeX."""


@dataclass(frozen=True)
class Drawing:
    """A formula as MathJax laid it out: the viewBox (1/1000 em, y down, baseline at 0) and
    the SVG elements inside it."""

    min_x: float
    min_y: float
    width: float
    height: float
    body: str

    @property
    def depth(self) -> float:
        """How far below the baseline the drawing reaches, in em."""
        return max(0.0, (self.min_y + self.height) / 1000)


def _es5() -> Any:
    return files("mathjax") / "static" / "mathjax" / "es5"


@lru_cache(maxsize=1)
def version() -> str:
    """MathJax's version, read from its package.json without starting V8."""
    try:
        text = (files("mathjax") / "static" / "mathjax" / "package.json").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return "missing"
    m = re.search(r'"version"\s*:\s*"([^"]+)"', text)
    return m.group(1) if m else "unknown"


class _Engine:
    def __init__(self) -> None:
        try:
            from py_mini_racer import MiniRacer
        except ImportError:
            raise MathUnavailable("mini-racer is not installed (pip install mini-racer)") from None
        try:
            es5 = _es5()
            sources = [(es5 / name).read_text("utf-8") for name in _MATHJAX_FILES]
        except (ModuleNotFoundError, OSError):
            raise MathUnavailable(
                "MathJax's files are missing (pip install django-static-mathjax)"
            ) from None
        ours = (files("wxformat.wechat") / "mathjax.js").read_text("utf-8")
        self.pid = os.getpid()
        self.racer = MiniRacer()
        self.racer.set_hard_memory_limit(MAX_HEAP)
        # the configuration first, then MathJax's files in one evaluation
        self.racer.eval(ours)
        self.racer.eval(";\n".join(sources))
        # V8 left open at exit keeps the interpreter from ending (its timers wait forever)
        atexit.register(self.close)

    def close(self) -> None:
        if self.pid == os.getpid():
            self.racer.close()

    def draw(self, tex: str, display: bool) -> str:
        from py_mini_racer import JSEvalException

        try:
            return str(self.racer.call("wxDraw", tex, display, timeout_sec=TIMEOUT))
        except JSEvalException as exc:  # timeout, out of memory
            name = type(exc).__name__
            reason = "too much work" if "Timeout" in name or "OOM" in name else name
            raise MathError(f"{reason}: drawing stopped") from None


_lock = threading.Lock()
_engine: _Engine | None = None


def started() -> bool:
    """Whether this process has started V8 (a forked child must not use its parent's)."""
    return _engine is not None and _engine.pid == os.getpid()


def draw(tex: str, display: bool) -> Drawing:
    """One formula, drawn; raises MathError with MathJax's message when the TeX is wrong."""
    global _engine
    with _lock:
        if not started():
            _engine = _Engine()
        assert _engine is not None
        try:
            result = _engine.draw(tex, display)
        except MathError:
            # a stopped evaluation may leave MathJax half-way: the next formula gets a new one
            _engine.close()
            _engine = None
            raise
    if result.startswith("E"):
        raise MathError(result[1:] or "TeX error")
    head, _, body = result[1:].partition("|")
    x, y, w, h = (float(v) for v in head.split())
    return Drawing(x, y, w, h, body)
