"""The package's modules import one another one way only: no import cycles, the WeChat
stage never reaches back into the Markdown stage, and the pipeline never reaches up into
the faces (wxformat.faces: the commands and servers a user drives). Read from the source
with ast, imports inside functions included (deferring an import hides a cycle; it does not
remove it); imports only made for type checking are left out of the cycle check and
counted for the faces rule (an annotation that names a face still reaches up)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "wxformat"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, here: str, is_package: bool, type_checking: bool = False) -> set[str]:
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if not type_checking and isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
        stack.extend(ast.iter_child_nodes(node))
    return {name for name in found if name in MODULES and name != here}


def import_graph(type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the package's modules it imports; with type_checking, the imports made
    only for the type checker too."""
    return {
        name: _imports(
            ast.parse(path.read_text(encoding="utf-8")),
            name,
            path.stem == "__init__",
            type_checking,
        )
        for name, path in MODULES.items()
    }


FACES = "wxformat.faces"
# `python -m wxformat` runs the CLI: the one module outside the faces that may name one
ENTRY_POINTS = {"wxformat.__main__"}


def _is_face(name: str) -> bool:
    return name == FACES or name.startswith(FACES + ".")


def reaches_into_faces(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Modules outside the faces (entry points aside) -> the faces they import."""
    found = {
        name: {target for target in targets if _is_face(target)}
        for name, targets in graph.items()
        if not _is_face(name) and name not in ENTRY_POINTS
    }
    return {name: faces for name, faces in found.items() if faces}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_sees_the_imports_it_must() -> None:
    graph = import_graph()
    assert len(graph) > 30
    assert "wxformat.inline" in graph["wxformat.pipeline"]  # a module-level import
    assert "wxformat.faces.batch" in graph["wxformat.faces.cli"]  # an import inside a function
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_back() -> None:
    assert cycles(import_graph()) == []


def test_the_wechat_stage_never_imports_the_markdown_stage() -> None:
    graph = import_graph()
    wechat = [name for name in graph if name.startswith("wxformat.wechat")]
    assert len(wechat) > 5
    for name in wechat:
        back = {t for t in graph[name] if t.startswith(("wxformat.render", "wxformat.mdext"))}
        assert not back, (name, back)


def test_math_placeholders_are_named_in_the_contract() -> None:
    from wxformat import contract
    from wxformat.mdext import math as mdext_math
    from wxformat.wechat import math as wechat_math

    graph = import_graph()
    assert "wxformat.contract" in graph["wxformat.mdext.math"]
    assert "wxformat.contract" in graph["wxformat.wechat.math"]
    assert mdext_math.MATH_CLASS is contract.MATH_CLASS is wechat_math.MATH_CLASS


def test_the_faces_are_grouped_in_one_package() -> None:
    faces = {name.removeprefix(FACES + ".") for name in MODULES if _is_face(name)}
    named = {"cli", "batch", "check", "themes_cli", "clipboard", "preview", "publish"}
    assert named | {"mcp_server", "runner"} <= faces
    assert not {f"wxformat.{face}" for face in named} & set(MODULES)  # none left at the top


def test_nothing_outside_the_faces_imports_a_face() -> None:
    graph = import_graph(type_checking=True)
    assert reaches_into_faces(graph) == {}
    assert "wxformat.faces.cli" in graph["wxformat.__main__"]  # the one allowed exception
    # the rule sees a stage that reaches up, at module level or inside a function
    for source in (
        "from wxformat.faces.cli import main",
        "def f():\n    from wxformat.faces import cli",
        "import wxformat.faces.runner",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from wxformat.faces.runner import Options",
    ):
        imports = _imports(ast.parse(source), "wxformat.pipeline", False, type_checking=True)
        reaching = reaches_into_faces({**graph, "wxformat.pipeline": imports})
        assert set(reaching) == {"wxformat.pipeline"}, source
    # and the faces themselves may import each other and the pipeline
    assert "wxformat.faces.runner" in graph["wxformat.faces.batch"]
    assert "wxformat.pipeline" in graph["wxformat.faces.runner"]
