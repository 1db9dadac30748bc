"""The test suite itself: it ends by itself."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
WAITING = {"run", "call", "check_call", "check_output"}


def _is_subprocess(call: ast.Call, names: set[str]) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "subprocess"
        and func.attr in names
    )


def _has_timeout(call: ast.Call) -> bool:
    return any(keyword.arg == "timeout" for keyword in call.keywords)


def test_every_subprocess_and_request_a_test_makes_has_a_timeout() -> None:
    untimed = []
    for path in sorted(TESTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
                continue
            calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
            for call in calls:
                where = f"{path.name}:{call.lineno}"
                if _is_subprocess(call, WAITING) and not _has_timeout(call):
                    untimed.append(where)
                # so is every request to a server a test started
                func = call.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == "urlopen"
                    and not _has_timeout(call)
                ):
                    untimed.append(where)
                # a started process is waited for with a timeout in the same function
                if _is_subprocess(call, {"Popen"}) and not any(
                    isinstance(other.func, ast.Attribute)
                    and other.func.attr in ("wait", "communicate")
                    and _has_timeout(other)
                    for other in calls
                ):
                    untimed.append(where)
    assert sorted(set(untimed)) == []
