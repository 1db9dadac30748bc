"""The built wheel installs into a fresh virtual environment elsewhere and converts, with the
themes shipped inside it (not read from this checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_converts(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("wxformat-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # dependencies come from the site-packages of the interpreter running the tests (a venv
    # or not), as plain path entries: its .pth files, such as an editable wxformat's, are
    # not run, so wxformat itself comes only from the wheel
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(own_site) / "outer-site-packages.pth").write_text("\n".join(sorted(outer)) + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # a formula: drawn by MathJax through the wheel's own mathjax.js (no cache to answer it)
    (elsewhere / "post.md").write_text("## 你好\n\n- item $\\sqrt{x^2}$\n", encoding="utf-8")
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import wxformat, wxformat.themes as t; print(wxformat.__file__); print(t.builtin_dir())",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=elsewhere,
    )
    module_file, themes_dir = where.stdout.split()
    assert module_file.startswith(str(env_dir)), where.stdout
    assert (
        themes_dir.startswith(str(env_dir))
        and (Path(themes_dir) / "default" / "style.css").is_file()
    )
    run = subprocess.run(
        [str(env_dir / "bin" / "wxformat"), "convert", "post.md", "-o", "post.html"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=elsewhere,
        env={**os.environ, "WXFORMAT_CACHE_DIR": "off"},
    )
    assert run.returncode == 0, run.stderr
    assert "W5" not in run.stderr, run.stderr
    html = (elsewhere / "post.html").read_text(encoding="utf-8")
    assert "你好" in html and "border-bottom" in html
    assert "<svg" in html and "<path" in html


def test_every_package_the_code_imports_is_a_declared_dependency() -> None:
    # a package present on the developer's machine for other reasons would otherwise go
    # unnoticed until a user's fresh install fails (as watchfiles once did for preview)
    import ast
    import importlib.metadata
    import re

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    # the extras a feature needs count (`wxformat mcp` tells how to install its own); the
    # test tools do not
    extras = project.get("optional-dependencies", {})
    runtime = [
        *project["dependencies"],
        *(dep for name, deps in extras.items() if name != "test" for dep in deps),
    ]
    declared = {canonical(re.split(r"[<>=;\s\[]", dep, maxsplit=1)[0]) for dep in runtime}
    # module -> distributions, from each installed distribution's file list
    # (packages_distributions() on 3.10 reads only top_level.txt, which hatchling omits)
    distributions: dict[str, list[str]] = {}
    for dist in importlib.metadata.distributions():
        tops = {str(f).split("/")[0].removesuffix(".py") for f in dist.files or []}
        for top in tops:
            distributions.setdefault(top, []).append(dist.metadata["Name"])
    imported: set[str] = set()
    for path in (ROOT / "src" / "wxformat").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    # tomllib is the standard library's from 3.11, tomli its declared stand-in before
    third_party = sorted(imported - set(sys.stdlib_module_names) - {"wxformat", "tomli", "tomllib"})
    assert "bs4" in third_party and "watchfiles" in third_party  # the scan sees imports
    undeclared = [
        module
        for module in third_party
        if not any(canonical(d) in declared for d in distributions.get(module, []))
    ]
    assert not undeclared, f"imported but not in pyproject dependencies: {undeclared}"
