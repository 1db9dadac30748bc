"""The pipeline runs one way: render and mdext hand the wechat stage only what
wxformat.contract names; nothing under wechat/ reaches back into them."""

from __future__ import annotations

import ast
from pathlib import Path

import wxformat

PACKAGE = Path(wxformat.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_nothing_under_wechat_imports_render_or_mdext() -> None:
    files = sorted((PACKAGE / "wechat").glob("*.py"))
    assert files
    for path in files:
        for name in imported_modules(path):
            assert not name.startswith(("wxformat.render", "wxformat.mdext")), (path.name, name)


def test_math_placeholders_are_named_in_the_contract() -> None:
    from wxformat import contract
    from wxformat.mdext import math as mdext_math
    from wxformat.wechat import math as wechat_math

    assert "wxformat.contract" in imported_modules(PACKAGE / "mdext" / "math.py")
    assert "wxformat.contract" in imported_modules(PACKAGE / "wechat" / "math.py")
    assert mdext_math.MATH_CLASS is contract.MATH_CLASS is wechat_math.MATH_CLASS
