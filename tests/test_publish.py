"""`wxformat publish` end to end against a local fake of WeChat's API (tests/fake_wechat.py).
The fake also serves the article's remote image, on 127.0.0.1: hence --allow-private-images."""

from __future__ import annotations

import io
import json
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from tests.conftest import ARTICLES, CliRun
from tests.fake_wechat import APP_ID, APP_SECRET, FakeServer
from wxformat.faces.publish.api import EXPLANATIONS, PublishError
from wxformat.faces.publish.images import _refuse_private

Cli = Callable[..., CliRun]
PRIVATE_IMAGES_ALLOWED = "[publish]\nallow_private_images = true\n"


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
    run = cli("publish", str(article), "--allow-private-images")
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
    # no digest in the front matter: the article's first words of prose, no heading, no alt
    assert draft["digest"] == "正文第一段，介绍这篇文章。 再次引用："
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
    assert cli("publish", str(article), "--allow-private-images").code == 0
    uploads, tokens = len(fake.uploads), fake.calls["/cgi-bin/stable_token"]
    run = cli("publish", str(article), "--allow-private-images", "--no-comments")
    assert run.code == 0, run.err
    assert len(fake.uploads) == uploads and fake.calls["/cgi-bin/stable_token"] == tokens == 1
    assert "0 uploaded, 8 already on WeChat" in run.err
    assert len(fake.drafts) == 1 and [m for m, _ in fake.updates] == ["DRAFT-1"]
    updated = fake.updates[0][1]
    assert updated["content"] == fake.drafts[0]["content"] and updated["need_open_comment"] == 0
    token_file = next(env.glob("token-*.json"))
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert json.loads(token_file.read_text())["access_token"] == "TOKEN-1"


def test_publishing_again_updates_the_draft_with_the_edited_content(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0 and "draft created: media_id DRAFT-1" in run.err
    article.write_text(
        article.read_text(encoding="utf-8").replace("正文第一段", "改过的第一段"), encoding="utf-8"
    )
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    assert "draft updated: media_id DRAFT-1" in run.err
    assert fake.calls["/cgi-bin/draft/add"] == 1 and fake.calls["/cgi-bin/draft/update"] == 1
    media_id, updated = fake.updates[0]
    assert media_id == "DRAFT-1" and fake.saved["DRAFT-1"] is updated
    assert "改过的第一段" in updated["content"] and "正文第一段" not in updated["content"]
    assert "正文第一段" in fake.drafts[0]["content"]
    raw = json.loads(fake.raw_drafts[-1])
    assert raw["media_id"] == "DRAFT-1" and raw["index"] == 0
    assert isinstance(raw["articles"], dict) and raw["articles"]["title"] == "发布测试：中文标题"


def test_new_draft_forces_a_new_one_and_later_updates_follow_it(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    assert cli("publish", str(article), "--allow-private-images").code == 0
    run = cli("publish", str(article), "--new-draft", "--allow-private-images")
    assert run.code == 0 and "draft created: media_id DRAFT-2" in run.err
    assert cli("publish", str(article), "--allow-private-images").code == 0
    assert [m for m, _ in fake.updates] == ["DRAFT-2"] and len(fake.drafts) == 2


def test_a_draft_deleted_on_wechat_is_replaced_with_a_note(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    assert cli("publish", str(article), "--allow-private-images").code == 0
    fake.delete_draft("DRAFT-1")
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    assert "note: the draft DRAFT-1 is no longer on WeChat" in run.err
    assert "draft created: media_id DRAFT-2" in run.err
    assert fake.calls["/cgi-bin/draft/update"] == 1 and not fake.updates
    assert cli("publish", str(article), "--allow-private-images").code == 0
    assert [m for m, _ in fake.updates] == ["DRAFT-2"]


def test_other_update_errors_are_not_hidden_by_a_new_draft(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    assert cli("publish", str(article), "--allow-private-images").code == 0
    fake.fail_next("/cgi-bin/draft/update", 45002)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1 and "45002" in run.err and "updating the draft" in run.err
    assert len(fake.drafts) == 1


def test_dry_run_says_whether_it_would_update_or_create(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    run = cli("publish", str(article), "--dry-run")
    assert run.code == 0 and run.out.splitlines()[0] == "plan: add a new draft"
    assert cli("publish", str(article), "--allow-private-images").code == 0
    calls = sum(server.fake.calls.values())
    run = cli("publish", str(article), "--dry-run")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == (
        "plan: update the draft DRAFT-1 made last time (--new-draft: a new one)"
    )
    # the remote image is not downloaded in a dry run, so it cannot be recognised
    assert "images:   1 to upload, 6 already on WeChat" in run.out
    assert "already on WeChat" in run.out.split("cover:")[1].splitlines()[0]
    run = cli("publish", str(article), "--dry-run", "--new-draft")
    assert run.code == 0 and run.out.splitlines()[0] == "plan: add a new draft"
    assert sum(server.fake.calls.values()) == calls


def test_network_drops_and_busy_answers_are_retried(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    fake.fail_next("/cgi-bin/media/uploadimg", "drop", -1)
    fake.fail_next("/cgi-bin/draft/add", "drop")
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    assert fake.calls["/cgi-bin/draft/add"] == 2 and len(fake.drafts) == 1


def test_an_expired_token_is_refreshed_once_then_the_call_retried(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    fake = server.fake
    fake.fail_next("/cgi-bin/draft/add", 42001)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    assert fake.calls["/cgi-bin/stable_token"] == 2 and len(fake.drafts) == 1
    fake.fail_next("/cgi-bin/draft/add", 40001, 40001)  # still invalid after one refresh: give up
    run = cli("publish", str(article), "--new-draft", "--allow-private-images")
    assert run.code == 1 and "access token is invalid" in run.err and len(fake.drafts) == 1


def test_whitelist_error_explains_the_fix_and_leaves_no_draft(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/stable_token", 40164)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1
    line = run.err.strip()
    assert line.count("\n") == 0 and "IP" in line and "白名单" in line and "40164" in line
    assert server.fake.calls["/cgi-bin/draft/add"] == 0
    no_secret(run, env)


def test_a_failed_upload_means_no_draft_at_all(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/media/uploadimg", 40009)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1 and "40009" in run.err and "under 1 MB" in run.err
    assert server.fake.calls["/cgi-bin/draft/add"] == 0


# What WeChat's documentation says each code means, written here apart from the program's
# own table: the user must read that meaning, the code and a hint, on one line.
DOCUMENTED_CODES = [
    ("/cgi-bin/stable_token", 40013, "AppID"),
    ("/cgi-bin/stable_token", 40125, "AppSecret"),
    ("/cgi-bin/media/uploadimg", 40005, "type"),
    ("/cgi-bin/media/uploadimg", 40009, "too large"),
    ("/cgi-bin/draft/add", 40007, "cover"),
    ("/cgi-bin/draft/add", 40033, "characters"),
    ("/cgi-bin/draft/add", 44003, "empty"),
    ("/cgi-bin/draft/add", 45002, "too large"),
    ("/cgi-bin/draft/add", 45003, "title"),
    ("/cgi-bin/draft/add", 45004, "digest"),
    ("/cgi-bin/draft/add", 45110, "author"),
    ("/cgi-bin/draft/add", 48001, "not authorised"),
    ("/cgi-bin/draft/add", 61451, "WeChat answered"),  # undocumented here: its errmsg
]


@pytest.mark.parametrize(("path", "code", "meaning"), DOCUMENTED_CODES)
def test_a_wechat_error_code_is_explained_with_a_fix(
    cli: Cli, env: Path, tmp_path: Path, server: FakeServer, path: str, code: int, meaning: str
) -> None:
    post = tmp_path / "small" / "post.md"
    post.parent.mkdir()
    (post.parent / "a.png").write_bytes(picture("PNG"))
    post.write_text("---\ntitle: t\n---\n# t\n\n![a](a.png)\n", encoding="utf-8")
    server.fake.fail_next(path, code)
    run = cli("publish", str(post))
    assert run.code == 1
    line = run.err.strip()
    assert line.count("\n") == 0 and meaning in line and str(code) in line and "(hint: " in line
    assert server.fake.drafts == []


def test_every_explained_code_is_one_the_tests_make_wechat_answer() -> None:
    answered = {code for _, code, _ in DOCUMENTED_CODES}
    retried = {40001, 42001, 40164, -1}  # the token, whitelist and busy tests answer these
    assert set(EXPLANATIONS) <= answered | retried


def test_draft_api_error_is_explained(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/draft/add", 45002)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1 and "too large" in run.err and "45002" in run.err


def test_dry_run_sends_nothing_and_prints_a_short_plan(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    run = cli("publish", str(article), "--allow-private-images", "--dry-run")
    assert run.code == 0, run.err
    assert sum(server.fake.calls.values()) == 0
    assert len(run.out) < 2000, run.out  # a plan to read, not 60 KB of JSON
    lines = run.out.splitlines()
    assert lines[0] == "plan: add a new draft"
    assert "  title:    发布测试：中文标题" in lines and "  author:   小明" in lines
    assert "  digest:   正文第一段，介绍这篇文章。 再次引用：" in lines
    assert "  cover:    cover.jpg (to upload as permanent material)" in lines
    assert "  images:   7 to upload, 0 already on WeChat" in lines
    assert "would upload image 2 “照片”" in run.out  # embedded images named by their alt
    assert "<section" not in run.out
    # the size against WeChat's limits: characters of the text (the HTML's would be several
    # times as many, and looked like an article three times too long), kilobytes of HTML
    draft = json.loads(cli("publish", str(article), "--dry-run", "--json").out)
    text = re.sub(r"\s", "", BeautifulSoup(draft["content"], "html.parser").get_text())
    size = len(draft["content"].encode("utf-8")) / 1024
    assert len(text) < len(draft["content"]) / 3
    assert (
        f"  content:  {len(text):,} characters of text, {size:,.1f} KB of HTML "
        "(WeChat takes at most 20,000 characters of text and 1 MB)"
    ) in lines
    assert "dry run: nothing was sent" in run.err
    no_secret(run)


def test_dry_run_json_prints_the_full_payload(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    run = cli("publish", str(article), "--dry-run", "--json")
    assert run.code == 0, run.err
    assert sum(server.fake.calls.values()) == 0
    draft = json.loads(run.out)
    assert (
        draft["title"] == "发布测试：中文标题"
        and "would upload the cover" in draft["thumb_media_id"]
        and draft["content"].startswith("<section")
    )


def test_the_digest_is_prose_only_or_the_front_matter_description(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace(
            "正文第一段，介绍这篇文章。", "```\ncode\n```\n\n| a |\n|---|\n| b |\n\n正文。"
        ),
        encoding="utf-8",
    )
    draft = json.loads(cli("publish", str(article), "--dry-run", "--json").out)
    assert draft["digest"] == "正文。 再次引用："  # no heading, code, table or alt text
    article.write_text(
        text.replace("author: 小明", "author: 小明\ndescription: 一篇关于发布的文章"),
        encoding="utf-8",
    )
    draft = json.loads(cli("publish", str(article), "--dry-run", "--json").out)
    assert draft["digest"] == "一篇关于发布的文章"


def test_the_automatic_digest_never_ends_half_way_through_a_formula(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    """The sample math.md's digest ended "(\\boldsymb": a formula that does not fit whole is
    left out; one that fits stays, as its TeX."""
    text = article.read_text(encoding="utf-8")
    formula = "D = \\{(\\boldsymbol{x}_1, y_1), \\dots, (\\boldsymbol{x}_m, y_m)\\}"
    article.write_text(
        text.replace("正文第一段，介绍这篇文章。", f"给定数据集 $x$ 和 ${formula}$，求解。"),
        encoding="utf-8",
    )
    draft = json.loads(cli("publish", str(article), "--dry-run", "--json").out)
    assert draft["digest"] == "给定数据集 x 和"


def test_an_opening_heading_equal_to_the_title_is_left_out(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("# 发布测试\n", "# 发布测试：中文标题\n"), encoding="utf-8")
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    content = BeautifulSoup(server.fake.drafts[0]["content"], "html.parser")
    assert content.find("h1") is None and "正文第一段" in content.get_text()
    kept = cli("publish", str(article), "--dry-run", "--json", "--keep-title-heading")
    heading = BeautifulSoup(json.loads(kept.out)["content"], "html.parser").find("h1")
    assert heading is not None and heading.get_text() == "发布测试：中文标题"
    # a heading that differs from the title is the writer's own: it stays
    article.write_text(text, encoding="utf-8")
    draft = json.loads(cli("publish", str(article), "--dry-run", "--json").out)
    assert BeautifulSoup(draft["content"], "html.parser").find("h1").get_text() == "发布测试"
    # with no title in the front matter the heading is the title: shown once, above
    article.write_text(text.replace("title: 发布测试：中文标题\n", ""), encoding="utf-8")
    plan = cli("publish", str(article), "--dry-run")
    assert "  title:    发布测试" in plan.out.splitlines() and "left out" in plan.out


def test_too_long_title_is_refused_before_any_call(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    article.write_text(
        "---\ntitle: " + "长" * 40 + "\ncover: cover.jpg\n---\ntext\n", encoding="utf-8"
    )
    run = cli("publish", str(article), "--allow-private-images")
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
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1 and "no WeChat credentials" in run.err
    creds = tmp_path / "config" / "wxformat" / "credentials.toml"
    creds.parent.mkdir(parents=True)
    creds.write_text(f'app_id = "{APP_ID}"\napp_secret = "{APP_SECRET}"\n', encoding="utf-8")
    creds.chmod(0o600)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    no_secret(run, env)
    (article.parent / ".git").mkdir()
    inside = article.parent / "secrets.toml"
    inside.write_text(creds.read_text(), encoding="utf-8")
    inside.chmod(0o600)
    (article.parent / "wxformat.toml").write_text(
        f'[publish]\ncredentials = "{inside}"\n', encoding="utf-8"
    )
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1 and "inside the repository" in run.err
    no_secret(run)


def test_secrets_are_refused_in_wxformat_toml(cli: Cli, env: Path, article: Path) -> None:
    (article.parent / "wxformat.toml").write_text('[publish]\napp_secret = "x"\n', encoding="utf-8")
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 1 and "secrets do not belong in wxformat.toml" in run.err


# --- --upload on convert, copy and preview: the same uploads and cache as publish ---------


def image_sources(html: str) -> list[str]:
    return [str(img.get("src")) for img in BeautifulSoup(html, "html.parser").find_all("img")]


def test_convert_upload_leaves_only_wechat_image_sources(
    cli: Cli, env: Path, article: Path, server: FakeServer, tmp_path: Path
) -> None:
    # the fake's remote image is on 127.0.0.1
    (article.parent / "wxformat.toml").write_text(PRIVATE_IMAGES_ALLOWED, encoding="utf-8")
    out = tmp_path / "out.html"
    run = cli("convert", str(article), "--upload", "-o", str(out))
    assert run.code == 0, run.err
    srcs = image_sources(out.read_text(encoding="utf-8"))
    assert len(srcs) == 7
    assert all(src.startswith("http://mmbiz.qpic.cn/fake/") for src in srcs), srcs
    # the image too large to embed was uploaded (shrunk), so no warning says it cannot reach
    assert "huge.png" not in run.err
    uploads = len(server.fake.uploads)
    assert uploads == 6  # qr once, photo, webp, huge, remote, and the GIF as material
    # the same cache as publish: publishing now uploads only the cover
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err
    assert len(server.fake.uploads) == uploads + 1 and "1 uploaded, 7 already on WeChat" in run.err
    assert image_sources(server.fake.drafts[0]["content"]) == srcs


def test_copy_upload_prints_wechat_image_sources(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    # the fake's remote image is on 127.0.0.1
    (article.parent / "wxformat.toml").write_text(PRIVATE_IMAGES_ALLOWED, encoding="utf-8")
    run = cli("copy", str(article), "--upload", "--print")
    assert run.code == 0, run.err
    srcs = image_sources(run.out)
    assert len(srcs) == 7 and all(s.startswith("http://mmbiz.qpic.cn/") for s in srcs)


def test_preview_upload_renders_wechat_image_sources(
    env: Path, article: Path, server: FakeServer
) -> None:
    # the fake's remote image is on 127.0.0.1
    (article.parent / "wxformat.toml").write_text(PRIVATE_IMAGES_ALLOWED, encoding="utf-8")
    import threading
    import urllib.request

    from wxformat.faces.preview import PreviewServer
    from wxformat.faces.runner import Options

    preview = PreviewServer(article, Options(upload=True), port=0)
    preview.start()
    threading.Thread(target=preview.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(preview.url + "__wx/render", timeout=60) as response:
            answer = json.loads(response.read())
    finally:
        preview.stop()
    assert answer["ok"], answer
    srcs = image_sources(answer["html"])
    assert len(srcs) == 7 and all(s.startswith("http://mmbiz.qpic.cn/") for s in srcs)


@pytest.mark.parametrize("command", ["convert", "copy", "preview"])
def test_upload_without_credentials_says_how_to_set_them(
    cli: Cli,
    env: Path,
    article: Path,
    server: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.delenv("WECHAT_APP_ID")
    monkeypatch.delenv("WECHAT_APP_SECRET")
    extra = ["--no-open"] if command == "preview" else []
    run = cli(command, str(article), "--upload", *extra)
    assert run.code == 1 and run.out == ""
    assert run.err.count("\n") == 1
    assert "no WeChat credentials: set WECHAT_APP_ID and WECHAT_APP_SECRET" in run.err
    # the hint says where the values come from, not just "(hint: or write ...)"
    assert "(hint: they are the account's AppID and AppSecret (mp.weixin.qq.com >" in run.err
    assert "credentials.toml" in run.err and "Traceback" not in run.err
    assert sum(server.fake.calls.values()) == 0


def test_convert_a_folder_with_upload(
    cli: Cli, env: Path, article: Path, server: FakeServer, tmp_path: Path
) -> None:
    # the fake's remote image is on 127.0.0.1
    (article.parent / "wxformat.toml").write_text(PRIVATE_IMAGES_ALLOWED, encoding="utf-8")
    second = article.parent / "second.md"
    second.write_text("# 第二篇\n\n![照片](photo.jpg)\n", encoding="utf-8")
    out = tmp_path / "out"
    run = cli("convert", str(article.parent), "--upload", "-o", str(out), "-j", "2")
    assert run.code == 0, run.err
    pages = sorted(out.glob("*.html"))
    assert [p.name for p in pages] == ["post.html", "second.html"]
    for page in pages:
        srcs = image_sources(page.read_text(encoding="utf-8"))
        assert srcs and all(s.startswith("http://mmbiz.qpic.cn/") for s in srcs), page


def test_images_already_on_wechat_are_left_alone(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    # the fake's remote image is on 127.0.0.1
    (article.parent / "wxformat.toml").write_text(PRIVATE_IMAGES_ALLOWED, encoding="utf-8")
    post = article.parent / "hosted.md"
    post.write_text(
        "# 已在微信\n\n![旧图](https://mmbiz.qpic.cn/mmbiz_png/abc/0?wx_fmt=png)\n\n![照片](photo.jpg)\n",
        encoding="utf-8",
    )
    run = cli("convert", str(post), "--upload", "--fragment")
    assert run.code == 0, run.err
    srcs = image_sources(run.out)
    assert srcs[0] == "https://mmbiz.qpic.cn/mmbiz_png/abc/0?wx_fmt=png"
    assert srcs[1].startswith("http://mmbiz.qpic.cn/fake/") and len(server.fake.uploads) == 1


# --- issue #14: hosts that misbehave. Answers of the wrong shape, answers that trickle in,
# endless images, images on the local network, credentials in the API address, a
# credentials file others can read.


def one_line_error(run: CliRun) -> str:
    lines = run.err.strip().splitlines()
    assert run.code == 1 and len(lines) == 1, run.err
    assert lines[0].startswith("error: ") and "(hint: " in lines[0], lines[0]
    assert "Traceback" not in run.err and "internal error" not in run.err
    return lines[0]


WRONG_SHAPES = {
    "token: {}": ("/cgi-bin/stable_token", b"{}", "no access_token"),
    "token: []": ("/cgi-bin/stable_token", b"[]", "not an object"),
    "token: a string": ("/cgi-bin/stable_token", b'"ok"', "not an object"),
    "token: a number for a token": (
        "/cgi-bin/stable_token",
        b'{"access_token": 5}',
        "no access_token",
    ),
    'errcode "abc"': ("/cgi-bin/media/uploadimg", b'{"errcode": "abc"}', "not a number"),
    "errcode a list": ("/cgi-bin/media/uploadimg", b'{"errcode": [1]}', "not a number"),
    "upload without url": ("/cgi-bin/media/uploadimg", b"{}", "no url"),
    "material without media_id": ("/cgi-bin/material/add_material", b'{"url": "x"}', "no media_id"),
    "draft without media_id": ("/cgi-bin/draft/add", b'{"errcode": 0}', "no media_id"),
}


@pytest.mark.parametrize("case", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_answers_of_the_wrong_shape_are_one_line_errors(
    case: tuple[str, bytes, str], cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    path, body, said = case
    server.fake.fail_next(path, body)
    error = one_line_error(cli("publish", str(article), "--allow-private-images"))
    assert said in error
    assert server.fake.drafts == []


def test_an_api_answer_that_trickles_in_stops_at_the_request_deadline(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    (article.parent / "wxformat.toml").write_text("[publish]\nrequest_timeout = 2\n", "utf-8")
    server.fake.fail_next("/cgi-bin/media/uploadimg", "drip")  # a byte every 0.5 s
    started = time.monotonic()
    error = one_line_error(cli("publish", str(article), "--allow-private-images"))
    assert time.monotonic() - started < 10
    assert "uploading" in error and "no complete answer within 2 s" in error
    assert server.fake.drafts == []


def test_the_whole_run_stops_at_its_deadline(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.fail_next("/cgi-bin/stable_token", "drip")
    started = time.monotonic()
    error = one_line_error(cli("publish", str(article), "--allow-private-images", "--timeout", "3"))
    assert time.monotonic() - started < 10
    assert "publishing took over 3 s" in error and "--timeout" in error


def test_an_image_host_that_drips_stops_at_the_request_deadline(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    (article.parent / "wxformat.toml").write_text("[publish]\nrequest_timeout = 2\n", "utf-8")
    server.fake.image_modes["/remote/shot.png"] = "drip"
    started = time.monotonic()
    error = one_line_error(cli("publish", str(article), "--allow-private-images"))
    assert time.monotonic() - started < 10
    assert "downloading image" in error and "within 2 s" in error


def test_an_endless_image_is_stopped_at_the_size_cap(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    server.fake.image_modes["/remote/shot.png"] = "endless"
    error = one_line_error(cli("publish", str(article), "--allow-private-images"))
    assert "over 20 MB: download stopped" in error
    server.fake.image_modes.clear()
    server.fake.images["/remote/shot.png"] = b"\x89PNG\r\n\x1a\n" + bytes(21 * 1024 * 1024)
    error = one_line_error(cli("publish", str(article), "--allow-private-images"))
    assert "over 20 MB" in error


def test_images_on_private_addresses_are_not_fetched_unless_allowed(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    error = one_line_error(cli("publish", str(article)))
    assert "private address (127.0.0.1)" in error and "--allow-private-images" in error
    assert server.fake.calls["/remote/shot.png"] == 0 and server.fake.drafts == []
    port = server.httpd.server_address[1]
    for url in (
        f"http://localhost:{port}/remote/shot.png",  # a name that resolves to loopback
        "http://169.254.169.254/latest/meta-data.png",  # the cloud metadata service
        "http://[::1]/x.png",
        "http://10.1.2.3/x.png",
    ):
        article.write_text(f"---\ncover: cover.jpg\n---\n# t\n\n![x]({url})\n", "utf-8")
        error = one_line_error(cli("publish", str(article)))
        assert "private address" in error, url
    assert server.fake.calls["/remote/shot.png"] == 0
    # a public page redirecting to the local network is checked at every hop: here the
    # first hop is local too, so allowed, and the second is refused by the same check
    server.fake.redirects["/remote/jump.png"] = "http://169.254.169.254/x.png"
    article.write_text(
        f"---\ncover: cover.jpg\n---\n# t\n\n![x]({server.url}/remote/jump.png)\n", "utf-8"
    )
    run = cli("publish", str(article), "--allow-private-images", "--timeout", "4")
    assert run.code == 1 and "Traceback" not in run.err


LOCAL_ADDRESSES = ["127.0.0.1", "10.0.0.8", "172.16.5.4", "192.168.1.1", "169.254.169.254"]
LOCAL_ADDRESSES += ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1"]


@pytest.mark.parametrize("address", [*LOCAL_ADDRESSES, "224.0.0.1"])
def test_every_kind_of_local_address_is_refused(address: str) -> None:
    with pytest.raises(PublishError):
        _refuse_private(address, "the image")


def test_a_public_address_is_fetched() -> None:
    _refuse_private("93.184.216.34", "the image")  # no error
    _refuse_private("2606:2800:220:1:248:1893:25c8:1946", "the image")


def test_credentials_in_the_api_address_never_show(
    cli: Cli, env: Path, article: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = server.httpd.server_address[1]
    monkeypatch.setenv("WECHAT_API_BASE", f"http://relay-user:pa55word@127.0.0.1:{port}")
    server.fake.fail_next("/cgi-bin/stable_token", "drop", "drop", "drop")
    run = cli("publish", str(article), "--allow-private-images")
    error = one_line_error(run)
    assert f"http://***@127.0.0.1:{port}" in error
    assert "pa55word" not in run.err + run.out and "relay-user" not in run.err + run.out
    run = cli("publish", str(article), "--allow-private-images")  # and it does reach the relay
    assert run.code == 0 and "pa55word" not in run.err + run.out, run.err


def test_a_credentials_file_others_can_read_is_refused(
    cli: Cli, tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    monkeypatch.delenv("WECHAT_APP_ID")
    monkeypatch.delenv("WECHAT_APP_SECRET")
    creds = tmp_path / "elsewhere" / "credentials.toml"
    creds.parent.mkdir()
    creds.write_text(f'app_id = "{APP_ID}"\napp_secret = "{APP_SECRET}"\n', encoding="utf-8")
    (article.parent / "wxformat.toml").write_text(
        f'[publish]\ncredentials = "{creds}"\n', encoding="utf-8"
    )
    for mode in (0o644, 0o640, 0o604, 0o660):
        creds.chmod(mode)
        error = one_line_error(cli("publish", str(article), "--allow-private-images"))
        assert "can be read by other users" in error and f"chmod 600 {creds}" in error
        assert APP_SECRET not in error
    creds.chmod(0o600)
    run = cli("publish", str(article), "--allow-private-images")
    assert run.code == 0, run.err


def test_private_images_can_be_allowed_in_wxformat_toml(
    cli: Cli, env: Path, article: Path, server: FakeServer
) -> None:
    assert "private address" in one_line_error(cli("publish", str(article)))
    (article.parent / "wxformat.toml").write_text(PRIVATE_IMAGES_ALLOWED, encoding="utf-8")
    run = cli("publish", str(article))
    assert run.code == 0, run.err
    assert server.fake.calls["/remote/shot.png"] == 1


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
        run = cli("publish", str(copy), "--dry-run", "--json")
        assert run.code == 0, (source.name, run.err)
        content = json.loads(run.out)["content"]
        assert len(content.encode("utf-8")) < 1024 * 1024, source.name
