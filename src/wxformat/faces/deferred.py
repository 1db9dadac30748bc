"""Deferred imports for the command-line process: a cold `convert` must finish in 0.3 s.

Our dependencies import, as they load, modules a conversion seldom uses: bs4 imports
soupsieve (its CSS-selector engine, 50 ms of regex compiling) and chardet (encoding
guessing; our input is already text); Pygments, through pymdownx.highlight, imports
importlib.metadata to look for plugins (16 ms, with the email package); pymdownx.util
imports urllib.request for two path helpers (7 ms, with http.client and ssl); premailer
imports requests (40 ms, with urllib3) to fetch remote stylesheets, which we never let it.

`defer()` puts a stand-in for each in `sys.modules`. The first attribute anything reads
from a stand-in imports the real module, which from then on answers for it; functions
that are imported by name (`from importlib.metadata import entry_points`) are forwarders
that do the same when called. Only the CLI calls this: a program that imports wxformat as
a library keeps its modules untouched. (The standard library's LazyLoader cannot do this
on Python 3.11: a second `import` of a lazy module reads `__spec__`, which loads it.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from typing import Any

# module -> names other modules import from it with `from ... import`
DEFERRED: dict[str, tuple[str, ...]] = {
    "soupsieve": (),
    "chardet": (),
    "importlib.metadata": ("entry_points",),
    "urllib.request": ("pathname2url", "url2pathname"),
    "requests": (),
}


class _Deferred(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr == "__path__":  # asked by every `from ... import`: a plain module has none
            raise AttributeError(attr)
        return getattr(_load(self), attr)


def _load(stand_in: types.ModuleType) -> types.ModuleType:
    name = stand_in.__name__
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    real = importlib.import_module(name)
    stand_in.__dict__.update(real.__dict__)  # later look-ups never reach __getattr__
    return real


def _forwarder(stand_in: types.ModuleType, attr: str) -> Callable[..., Any]:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(_load(stand_in), attr)(*args, **kwargs)

    forward.__name__ = attr
    return forward


def defer() -> None:
    """Install the stand-ins for every module in DEFERRED not yet imported."""
    for name, functions in DEFERRED.items():
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec
        if spec.submodule_search_locations is not None:  # a package
            stand_in.__path__ = list(spec.submodule_search_locations)
        for attr in functions:
            setattr(stand_in, attr, _forwarder(stand_in, attr))
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stand_in)
