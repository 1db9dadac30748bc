"""Read stage: encodings, line endings, front matter flavours, titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxformat.article import parse_article, read_article
from wxformat.errors import InputError


def test_utf8_bom_and_crlf_are_read_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_bytes(
        b"\xef\xbb\xbf---\r\ntitle: \xe6\xa0\x87\xe9\xa2\x98\r\n---\r\n# H\r\nbody\r\n"
    )
    article = read_article(path)
    assert article.title == "标题"
    assert article.body == "# H\nbody\n"
    assert "\r" not in article.body


def test_gbk_file_fails_with_a_hint_and_reads_with_encoding(tmp_path: Path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes("# 中文标题\n正文".encode("gbk"))
    with pytest.raises(InputError) as info:
        read_article(path)
    message = info.value.format_message()
    assert "utf-8" in message and "--encoding gbk" in message
    assert read_article(path, "gbk").title == "中文标题"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary"):
        read_article(path)


@pytest.mark.parametrize(
    ("text", "title", "body_start"),
    [
        ("---\ntitle: YAML\ntags: [a]\n---\nbody", "YAML", "body"),
        ('+++\ntitle = "TOML"\ndraft = false\n+++\nbody', "TOML", "body"),
        ('{\n  "title": "JSON"\n}\nbody', "JSON", "body"),
        ('"title": "Hexo JSON"\n;;;\nbody', "Hexo JSON", "body"),
        ("title: Hexo bare\ndate: 2024-01-01\ntags:\n- a\n---\nbody", "Hexo bare", "body"),
        ("---\ntitle: VuePress\nsidebar: auto\n---\n\nbody", "VuePress", "\nbody"),
    ],
)
def test_front_matter_flavours_are_recognised_and_hidden(
    text: str, title: str, body_start: str
) -> None:
    article = parse_article(text)
    assert article.title == title
    assert article.body.startswith(body_start)


def test_front_matter_that_is_not_a_mapping_stays_text_with_a_warning() -> None:
    article = parse_article("---\n- just\n- a list\n---\nbody")
    assert article.meta == {}
    assert "- just" in article.body
    assert article.warnings and "not a key: value mapping" in article.warnings[0].message


def test_invalid_toml_front_matter_stays_text_with_a_warning() -> None:
    article = parse_article("+++\ntitle = \n+++\nbody")
    assert article.meta == {} and "title =" in article.body
    assert "not valid TOML" in article.warnings[0].message


def test_control_characters_are_dropped() -> None:
    assert parse_article("a\x00b\x01c\x1bd\te").body == "abcd\te"


def test_title_falls_back_to_first_heading_then_file_name(tmp_path: Path) -> None:
    assert parse_article("```\n# not a heading\n```\n# Real *one*\n").title == "Real one"
    assert parse_article("no heading", tmp_path / "my-post.md").title == "my-post"


def test_unknown_front_matter_keys_are_ignored() -> None:
    article = parse_article("---\ntitle: T\nweird: {a: 1}\n---\nx")
    assert article.title == "T"
    assert article.meta["weird"] == {"a": 1}


@pytest.mark.parametrize("missing", ["nope.md", "dir"])
def test_missing_file_and_folder_are_input_errors(tmp_path: Path, missing: str) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(InputError):
        read_article(tmp_path / missing)
