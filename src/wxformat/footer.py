"""The promo footer: the account's signature (name, slogan, QR code, past posts), written as a
Markdown/HTML template with {placeholders}. wxformat.options decides whether there is one and
fills it in (reading a template file once); the pipeline renders it and places it at the end,
the top, or both."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from wxformat.config import Footer
from wxformat.render import render_markdown

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
TEMPLATE_SUFFIXES = (".md", ".html", ".markdown")


def names_a_file(template: str) -> bool:
    """A template that is a file name (read relative to its wxformat.toml), not the text."""
    return bool(template) and "\n" not in template and template.endswith(TEMPLATE_SUFFIXES)


def default_template(footer: Footer, qrcode: bool) -> str:
    """The template used when none is given: only the parts the account has set."""
    parts = []
    if footer.account:
        parts.append("**关注公众号【{account}】**")
    if footer.slogan:
        parts.append("{slogan}")
    if qrcode:
        parts.append('<img src="{qrcode}" alt="扫码关注 {account}" width="160">')
    if footer.links:
        parts.append("**往期推荐**\n\n{links}")
    return "\n\n".join(parts)


def footer_values(
    footer: Footer, qrcode: str, meta: Mapping[str, object], title: str
) -> dict[str, str]:
    """What each placeholder stands for; qrcode is the picture's resolved address."""
    links = "\n".join(f"- [{link.title}]({link.url})" for link in footer.links)
    return {
        "account": footer.account,
        "slogan": footer.slogan,
        "qrcode": html.escape(qrcode),
        "links": links,
        "title": title,
        "author": str(meta.get("author") or ""),
    }


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with every known {placeholder} replaced; unknown ones stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def footer_html(markdown: str) -> str:
    """The filled-in footer as sanitised HTML inside `<section class="wx-footer">`."""
    return f'<section class="wx-footer">{render_markdown(markdown)}</section>'
