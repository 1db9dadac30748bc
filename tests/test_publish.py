"""`wxformat publish` end to end against a local fake of WeChat's API (tests/fake_wechat.py)."""

from __future__ import annotations

import io
import json
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from tests.conftest import ARTICLES, CliRun
from tests.fake_wechat import APP_ID, APP_SECRET, FakeServer
from wxformat.publish.api import EXPLANATIONS, explain

Cli = Callable[..., CliRun]


def picture(fmt: str, size: tuple[int, int] = (40, 30), noise: bool = False) -> bytes:
    image = (
        Image.effect_noise(size, 60).convert("RGB")
        if noise
        else Image.new("RGB", size, (200, 80, 40))
    )
    out = io.BytesIO()
    image.save(out, fmt, **({"compress_level": 0} if fmt == "PNG" and noise else {}))
    return out.getvalue()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


@pytest.fixture
def env(server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("WECHAT_API_BASE", server.url)
    monkeypatch.setenv("WECHAT_APP_ID", APP_ID)
    monkeypatch.setenv("WECHAT_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("WXFORMAT_CACHE_DIR", str(cache))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return cache


@pytest.fixture
def article(tmp_path: Path, server: FakeServer) -> Path:
    folder = tmp_path / "post"
    folder.mkdir()
    (folder / "qr.png").write_bytes((ARTICLES / "assets" / "qrcode.png").read_bytes())
    (folder / "photo.jpg").write_bytes(picture("JPEG"))
    (folder / "diagram.webp").write_bytes(picture("WEBP"))
    (folder / "huge.png").write_bytes(picture("PNG", (900, 900), noise=True))
    (folder / "cover.jpg").write_bytes(picture("JPEG", (90, 50)))
    frames = [Image.new("P", (20, 20), i * 60) for i in range(3)]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    (folder / "anim.gif").write_bytes(gif.getvalue())
    server.fake.images["/remote/shot.png"] = picture("PNG", (33, 22))
    path = folder / "post.md"
    path.write_text(
        "---\ntitle: 发布测试：中文标题\nauthor: 小明\ncover: cover.jpg\nsource_url: https://example.com/orig\n---\n"
        "# 发布测试\n\n正文第一段，介绍这篇文章。\n\n![二维码](qr.png)\n\n![照片](photo.jpg)\n\n![示意图](diagram.webp)\n\n"
        f"![大图](huge.png)\n\n![动图](anim.gif)\n\n![远程]({server.url}/remote/shot.png)\n\n再次引用：![二维码](qr.png)\n",
        encoding="utf-8",
    )
    return path


def no_secret(run: CliRun, *paths: Path) -> None:
    assert APP_SECRET not in run.out and APP_SECRET not in run.err
    for root in paths:
        for file in root.rglob("*") if root.is_dir() else [root]:
            if file.is_file():
                assert APP_SECRET.encode() not in file.read_bytes(), file


def test_publish_uploads_images_rewrites_urls_and_creates_the_draft(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    run = cli("publish", str(article))
    assert run.code == 0, run.err
    assert "draft created: media_id DRAFT-1" in run.err and "草稿箱" in run.err
    # the uploaded bytes: unchanged where WeChat takes them, converted where it does not
    body_uploads = [(name, data) for path, name, data in fake.uploads if path.endswith("uploadimg")]
    assert (ARTICLES / "assets" / "qrcode.png").read_bytes() in [d for _, d in body_uploads]
    assert (article.parent / "photo.jpg").read_bytes() in [d for _, d in body_uploads]
    assert fake.images["/remote/shot.png"] in [d for _, d in body_uploads]
    assert all(len(d) < 1024 * 1024 for _, d in body_uploads)
    assert all(d.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) for _, d in body_uploads)
    assert len(body_uploads) == 5  # qr (once, though used twice), photo, webp, huge, remote
    assert (article.parent / "huge.png").stat().st_size > 1024 * 1024
    gifs = [
        data
        for path, _, data in fake.uploads
        if path.endswith("add_material") and data.startswith(b"GIF")
    ]
    assert gifs == [(article.parent / "anim.gif").read_bytes()]
    # the draft: WeChat's own image URLs only, the metadata, the permanent cover
    draft = fake.drafts[0]
    srcs = [img["src"] for img in BeautifulSoup(draft["content"], "html.parser").find_all("img")]
    assert len(srcs) == 7 and all(s.startswith("http://mmbiz.qpic.cn/fake/") for s in srcs)
    assert "data:" not in draft["content"] and "127.0.0.1" not in draft["content"]
    assert draft["title"] == "发布测试：中文标题" and draft["author"] == "小明"
    # no digest in the front matter: the first 54 characters of the article's text
    text = " ".join(BeautifulSoup(draft["content"], "html.parser").get_text(" ").split())
    assert draft["digest"] == text[:54] and draft["digest"].startswith("发布测试 正文第一段")
    assert draft["content_source_url"] == "https://example.com/orig"
    assert fake.materials[draft["thumb_media_id"]] == (article.parent / "cover.jpg").read_bytes()
    assert draft["need_open_comment"] == 1 and draft["only_fans_can_comment"] == 0
    raw = fake.raw_drafts[0]
    assert b"\\u" not in raw and "发布测试".encode() in raw
    no_secret(run, env, article.parent)


def test_republishing_uploads_nothing_twice_and_reuses_the_token(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    assert cli("publish", str(article)).code == 0
    uploads, tokens = len(fake.uploads), fake.calls["/cgi-bin/stable_token"]
    run = cli("publish", str(article), "--no-comments")
    assert run.code == 0, run.err
    assert len(fake.uploads) == uploads and fake.calls["/cgi-bin/stable_token"] == tokens == 1
    assert "0 uploaded, 8 already on WeChat" in run.err
    assert (
        fake.drafts[1]["content"] == fake.drafts[0]["content"]
        and fake.drafts[1]["need_open_comment"] == 0
    )
    token_file = next(env.glob("token-*.json"))
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert json.loads(token_file.read_text())["access_token"] == "TOKEN-1"


def test_network_drops_and_busy_answers_are_retried(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    fake.fail_next("/cgi-bin/media/uploadimg", "drop", -1)
    fake.fail_next("/cgi-bin/draft/add", "drop")
    run = cli("publish", str(article))
    assert run.code == 0, run.err
    assert fake.calls["/cgi-bin/draft/add"] == 2 and len(fake.drafts) == 1


def test_an_expired_token_is_refreshed_once_then_the_call_retried(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    fake.fail_next("/cgi-bin/draft/add", 42001)
    run = cli("publish", str(article))
    assert run.code == 0, run.err
    assert fake.calls["/cgi-bin/stable_token"] == 2 and len(fake.drafts) == 1
    fake.fail_next("/cgi-bin/draft/add", 40001, 40001)  # still invalid after one refresh: give up
    run = cli("publish", str(article))
    assert run.code == 1 and "access token is invalid" in run.err and len(fake.drafts) == 1


def test_whitelist_error_explains_the_fix_and_leaves_no_draft(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/stable_token", 40164)
    run = cli("publish", str(article))
    assert run.code == 1
    line = run.err.strip()
    assert line.count("\n") == 0 and "IP" in line and "白名单" in line and "40164" in line
    assert server.fake.calls["/cgi-bin/draft/add"] == 0
    no_secret(run, env)


def test_a_failed_upload_means_no_draft_at_all(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/media/uploadimg", 40009)
    run = cli("publish", str(article))
    assert run.code == 1 and "40009" in run.err and "under 1 MB" in run.err
    assert server.fake.calls["/cgi-bin/draft/add"] == 0


@pytest.mark.parametrize("code", sorted(EXPLANATIONS))
def test_every_documented_error_code_has_an_explanation_and_a_fix(code: int) -> None:
    error = explain(code, "errmsg", "creating the draft")
    message = error.format_message()
    assert str(code) in message and "(hint: " in message and "\n" not in message


def test_draft_api_error_is_explained(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/draft/add", 45002)
    run = cli("publish", str(article))
    assert run.code == 1 and "too large" in run.err and "45002" in run.err


def test_dry_run_sends_nothing_and_prints_the_draft(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    run = cli("publish", str(article), "--dry-run")
    assert run.code == 0, run.err
    assert sum(server.fake.calls.values()) == 0
    draft = json.loads(run.out)
    assert (
        draft["title"] == "发布测试：中文标题"
        and "would upload the cover" in draft["thumb_media_id"]
    )
    assert "dry run: nothing was sent" in run.err
    no_secret(run)


def test_too_long_title_is_refused_before_any_call(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    article.write_text(
        "---\ntitle: " + "长" * 40 + "\ncover: cover.jpg\n---\ntext\n", encoding="utf-8"
    )
    run = cli("publish", str(article))
    assert run.code == 1 and "at most 32" in run.err and sum(server.fake.calls.values()) == 0


def test_credentials_from_a_file_outside_the_repository(
    cli: Cli,
    tmp_path: Path,
    article: Path,
    server: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    env: Path,
) -> None:
    monkeypatch.delenv("WECHAT_APP_ID")
    monkeypatch.delenv("WECHAT_APP_SECRET")
    run = cli("publish", str(article))
    assert run.code == 1 and "no WeChat credentials" in run.err
    creds = tmp_path / "config" / "wxformat" / "credentials.toml"
    creds.parent.mkdir(parents=True)
    creds.write_text(f'app_id = "{APP_ID}"\napp_secret = "{APP_SECRET}"\n', encoding="utf-8")
    run = cli("publish", str(article))
    assert run.code == 0, run.err
    no_secret(run, env)
    (article.parent / ".git").mkdir()
    inside = article.parent / "secrets.toml"
    inside.write_text(creds.read_text(), encoding="utf-8")
    (article.parent / "wxformat.toml").write_text(
        f'[publish]\ncredentials = "{inside}"\n', encoding="utf-8"
    )
    run = cli("publish", str(article))
    assert run.code == 1 and "inside the repository" in run.err
    no_secret(run)


def test_secrets_are_refused_in_wxformat_toml(cli: Cli, env: Path, article: Path) -> None:
    (article.parent / "wxformat.toml").write_text('[publish]\napp_secret = "x"\n', encoding="utf-8")
    run = cli("publish", str(article))
    assert run.code == 1 and "secrets do not belong in wxformat.toml" in run.err


# -- formulas past 1 MB (W22) -------------------------------------------------------------

FORMULA = (
    "\\hat{{w}}_{{{i}}} = \\arg\\min_{{w}} \\sum_{{k=1}}^{{m}} "
    "\\left(\\frac{{y_k - w^\\top x_k}}{{\\sigma_k^2 + \\lambda_{{{i}}}}}\\right)^2"
)


def test_publish_sends_formulas_as_png_when_their_svg_passes_1_mb(
    cli: Cli, env: Path, tmp_path: Path, server: FakeServer
) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "cover.jpg").write_bytes(picture("JPEG", (90, 50)))
    body = "\n\n".join(f"第 {i} 式：\n\n$${FORMULA.format(i=i)}$$" for i in range(260))
    path = folder / "chapter.md"
    path.write_text(f"# 第三章\n\n![封面](cover.jpg)\n\n{body}\n", encoding="utf-8")
    checked = cli("check", str(path))
    assert "`wxformat publish` will send the formulas as PNG images" in checked.out
    run = cli("publish", str(path))
    assert run.code == 0, run.err
    content = server.fake.drafts[0]["content"]
    assert len(content.encode("utf-8")) < 1024 * 1024
    soup = BeautifulSoup(content, "html.parser")
    assert not soup.find_all("svg")
    formulas = [img for img in soup.find_all("img") if str(img.get("alt", "")).startswith("$$")]
    assert len(formulas) == 260
    assert all(img["src"].startswith("http://mmbiz.qpic.cn/fake/") for img in formulas)
    assert "em" in formulas[0]["style"]  # sized like the text, as the SVG was
    pngs = [
        Image.open(io.BytesIO(data))
        for p, _, data in server.fake.uploads
        if p.endswith("uploadimg") and data.startswith(b"\x89PNG")
    ]
    assert len(pngs) == 260
    for png in pngs[:5]:
        # opaque (a transparent PNG's dark ink vanishes in dark mode), 2x a 16px em
        assert png.mode == "L" and png.getextrema()[1] == 255
        assert png.height >= 2 * 16
    cover = server.fake.drafts[0]["thumb_media_id"]
    assert server.fake.materials[cover] == (folder / "cover.jpg").read_bytes()


def test_no_corpus_article_s_draft_passes_1_mb(cli: Cli, env: Path, tmp_path: Path) -> None:
    corpus = ARTICLES.parents[1] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"needs the shared corpus at {corpus} (../shared from the checkout)")
    (tmp_path / "cover.jpg").write_bytes(picture("JPEG", (90, 50)))
    for source in sorted(corpus.glob("*.md")):
        text = source.read_text(encoding="utf-8")
        text = (
            "---\ncover: cover.jpg\ntitle: 语料\n"
            + re.sub(r"(?m)^title:.*\n", "", text[4:], count=1)
            if text.startswith("---\n")
            else "---\ncover: cover.jpg\ntitle: 语料\n---\n" + text
        )
        # the corpus comes without its local pictures: every one is the cover here
        text = re.sub(r"(!\[[^\]]*\]\()(?!https?:)[^)\s]+", r"\1cover.jpg", text)
        text = re.sub(r'(<img[^>]*src=")(?!https?:)[^"]*', r"\1cover.jpg", text)
        copy = tmp_path / source.name
        copy.write_text(text, encoding="utf-8")
        run = cli("publish", str(copy), "--dry-run")
        assert run.code == 0, (source.name, run.err)
        content = json.loads(run.out)["content"]
        assert len(content.encode("utf-8")) < 1024 * 1024, source.name
