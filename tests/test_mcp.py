"""`wxformat mcp`: a real MCP session over stdio with the official SDK's own client, against
`python -m wxformat mcp` in a process of its own (and the local WeChat API stand-in for
publish)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from bs4 import BeautifulSoup
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from tests.conftest import ARTICLES
from tests.fake_wechat import APP_ID, APP_SECRET, FakeServer

Session = Callable[[ClientSession], Awaitable[Any]]


def session(work: Session, env: dict[str, str] | None = None, cwd: Path | None = None) -> Any:
    """Start `wxformat mcp`, initialize, run work(session), and close: what a client does."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "wxformat", "mcp"],
        env={"WXFORMAT_CACHE_DIR": os.environ["WXFORMAT_CACHE_DIR"], **(env or {})},
        cwd=cwd,
    )

    async def main() -> Any:
        with anyio.fail_after(60):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
                init = await client.initialize()
                assert init.server_info.name == "wxformat"
                return await work(client)

    return anyio.run(main)


def text_of(result: types.CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


def test_initialize_list_tools_and_convert_returns_the_html(tmp_path: Path) -> None:
    async def work(client: ClientSession) -> tuple[list[str], types.CallToolResult]:
        tools = await client.list_tools()
        result = await client.call_tool(
            "convert",
            {
                "markdown": "# 标题\n\n在Python中用`code`。\n\n```python\nx = 1\n```\n",
                "autospace": True,
            },
        )
        assert isinstance(result, types.CallToolResult)
        return [t.name for t in tools.tools], result

    names, result = session(work)
    assert sorted(names) == ["check", "convert", "publish", "themes"]
    assert not result.is_error, text_of(result)
    out = result.structured_content
    assert out is not None and out["title"] == "标题" and out["warnings"] == []
    soup = BeautifulSoup(out["html"], "html.parser")
    assert soup.section is not None and soup.h1.get_text() == "标题"
    assert "在 Python 中用 code。" in soup.get_text() and soup.pre.get_text() == "x\xa0=\xa01"
    assert 'style="' in out["html"]  # the theme is inlined: what pastes into WeChat


def test_convert_a_file_with_a_theme_and_check_and_themes(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("# 标题\n\n![图](missing.png)\n", encoding="utf-8")

    async def work(client: ClientSession) -> list[types.CallToolResult]:
        results = []
        for name, arguments in (
            ("convert", {"path": str(ARTICLES / "welcome.md"), "theme": "tech"}),
            ("check", {"path": str(post)}),
            ("themes", {}),
        ):
            result = await client.call_tool(name, arguments)
            assert isinstance(result, types.CallToolResult)
            results.append(result)
        return results

    converted, checked, themes = session(work)
    assert not converted.is_error and converted.structured_content["theme"] == "tech"
    assert "<section" in converted.structured_content["html"]
    report = checked.structured_content
    assert not report["clean"] and [p["rule"] for p in report["problems"]] == ["W19"]
    assert report["problems"][0]["line"] == 3
    names = [t["name"] for t in themes.structured_content["themes"]]
    assert (
        names[0] == "default"
        and "tech" in names
        and "github" in themes.structured_content["code_themes"]
    )


def test_errors_come_back_as_tool_errors_with_the_one_line_message(tmp_path: Path) -> None:
    async def work(client: ClientSession) -> list[types.CallToolResult]:
        results = []
        for arguments in (
            {"path": str(tmp_path / "nope.md")},
            {"markdown": "# x", "theme": "no-such-theme"},
            {"markdown": "# x", "path": str(tmp_path / "nope.md")},
        ):
            result = await client.call_tool("convert", arguments)
            assert isinstance(result, types.CallToolResult)
            results.append(result)
        return results

    missing, theme, both = session(work)
    for result in (missing, theme, both):
        assert result.is_error and "\n" not in text_of(result) and "(hint: " in text_of(result)
    # the SDK names the tool; the rest is the command line's own line
    assert text_of(missing) == (
        f"Error executing tool convert: {tmp_path / 'nope.md'} does not exist "
        f"(hint: check the path: {tmp_path}/ has no .md files)"
    )
    assert "no-such-theme" in text_of(theme)
    assert "either markdown" in text_of(both)


def test_publish_is_a_dry_run_unless_confirmed(tmp_path: Path) -> None:
    folder = tmp_path / "post"
    folder.mkdir()
    (folder / "qr.png").write_bytes((ARTICLES / "assets" / "qrcode.png").read_bytes())
    post = folder / "post.md"
    post.write_text("---\ntitle: 测试\n---\n# 测试\n\n正文。\n\n![码](qr.png)\n", encoding="utf-8")
    with FakeServer() as server:
        env = {
            "WECHAT_API_BASE": server.url,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WXFORMAT_CACHE_DIR": str(tmp_path / "cache"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }

        async def work(client: ClientSession) -> list[dict[str, Any]]:
            results = []
            for arguments in ({"path": str(post)}, {"path": str(post), "confirm": True}):
                result = await client.call_tool("publish", arguments)
                assert isinstance(result, types.CallToolResult) and not result.is_error, result
                results.append(result.structured_content)
                if len(results) == 1:
                    assert sum(server.fake.calls.values()) == 0  # the dry run sent nothing
            return results

        dry, done = session(work, env)
        assert dry["dry_run"] and dry["action"] == "add" and dry["draft"]["title"] == "测试"
        assert done == {**done, "dry_run": False, "action": "add", "media_id": "DRAFT-1"}
        assert len(server.fake.drafts) == 1 and "正文" in server.fake.drafts[0]["content"]
        assert APP_SECRET not in json.dumps([dry, done])


def test_without_the_sdk_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    import subprocess

    # the SDK is installed here: the process is made to find no `mcp`, as without the extra
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, importlib.util as u; f = u.find_spec; "
            "u.find_spec = lambda n, *a: None if n == 'mcp' else f(n, *a); "
            "sys.argv = ['wxformat', 'mcp']; from wxformat.faces.cli import main; main()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (
        "error: the MCP server needs the mcp package, which is not installed "
        "(hint: pip install 'wxformat[mcp]')"
    )


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server process talks to 127.0.0.1 only; a proxy variable must not reroute it."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
