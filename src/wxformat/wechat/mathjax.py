"""MathJax 3 in an embedded V8 (mini-racer): TeX in, WeChat-safe SVG pieces out.

MathJax's own files come from the `django-static-mathjax` package (MathJax 3.2.2's
unmodified `es5/` build, found with importlib.resources); wxformat adds only mathjax.js
beside this module: the configuration and the step that flattens MathJax's SVG into what
the WeChat editor keeps. V8 starts on the first formula that is not in the cache, once per
process, behind a lock; nothing here is imported by `--help` or by an article without math.
"""

from __future__ import annotations

import atexit
import contextlib
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
TIMEOUT = 1.0  # seconds of V8 work one formula may take before it is shown as TeX
MAX_HEAP = 512 * 1024 * 1024  # V8's heap past this stops the formula, not the machine


class MathError(Exception):
    pass


class MathUnavailable(MathError):
    """MathJax is not installed or cannot start: every formula stays TeX."""


class MathStopped(MathError):
    """Drawing was stopped (time or memory): on a busy machine it may succeed next time."""


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
        return self._call("wxDraw", [tex, display], TIMEOUT)

    def draw_many(self, batch: str, count: int) -> str:
        return self._call("wxDraw.many", [batch], TIMEOUT * (1 + count / 20))

    def _call(self, function: str, args: list[Any], timeout: float) -> str:
        from py_mini_racer import JSEvalException

        try:
            return str(self.racer.call(function, *args, timeout_sec=timeout))
        except JSEvalException as exc:  # timeout, out of memory
            name = type(exc).__name__
            reason = "too much work" if "Timeout" in name or "OOM" in name else name
            raise MathStopped(f"{reason}: drawing stopped") from None


_lock = threading.Lock()
_engine: _Engine | None = None


def started() -> bool:
    """Whether this process has started V8 (a forked child must not use its parent's)."""
    return _engine is not None and _engine.pid == os.getpid()


_SEPARATOR = "\x1e"


def _engine_call(work: Any) -> str:
    """work(engine) under the lock, V8 started first if this process has none."""
    global _engine
    with _lock:
        if not started():
            _engine = _Engine()
        assert _engine is not None
        # a stopped evaluation leaves V8 usable (MathJax keeps no state between formulas);
        # closing it then would only race the stopped call's late answer
        return str(work(_engine))


def start_in_background() -> None:
    """Start this process's V8 in a thread of its own, so that it is ready by the time the
    math stage asks (it takes a fifth of a second). Any failure is left for the drawing
    itself to report."""
    if not started():
        threading.Thread(target=_start, name="wxformat-v8-start", daemon=True).start()


def _start() -> None:
    with contextlib.suppress(Exception):
        _engine_call(lambda engine: "")


def _parse(result: str) -> Drawing | MathError:
    if result.startswith("E"):
        return MathError(result[1:] or "TeX error")
    head, _, body = result[1:].partition("|")
    x, y, w, h = (float(v) for v in head.split())
    return Drawing(x, y, w, h, body)


def draw(tex: str, display: bool) -> Drawing:
    """One formula, drawn; raises MathError with MathJax's message when the TeX is wrong."""
    drawn = _parse(_engine_call(lambda engine: engine.draw(tex, display)))
    if isinstance(drawn, MathError):
        raise drawn
    return drawn


def draw_many(formulas: list[tuple[str, bool]]) -> list[Drawing | MathError]:
    """Many formulas in one call into V8 (each call crosses threads: one per article, not per
    formula). Each result is its Drawing, or the MathError it raised. A batch that takes too
    long is drawn again one by one, so only the formula at fault is stopped."""
    if not formulas:
        return []
    if any(_SEPARATOR in tex for tex, _ in formulas):
        return [_one(tex, display) for tex, display in formulas]
    batch = _SEPARATOR.join(("1" if display else "0") + tex for tex, display in formulas)
    try:
        results = _engine_call(lambda engine: engine.draw_many(batch, len(formulas)))
    except MathUnavailable:
        raise
    except MathError:
        return [_one(tex, display) for tex, display in formulas]
    return [_parse(result) for result in results.split(_SEPARATOR)]


def _one(tex: str, display: bool) -> Drawing | MathError:
    try:
        return draw(tex, display)
    except MathUnavailable:
        raise
    except MathError as exc:
        return exc
