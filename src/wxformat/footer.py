"""The promo footer: the account's signature (name, slogan, QR code, past posts), rendered from
a Markdown/HTML template with {placeholders} and placed at the end, the top, or both."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

from wxformat.config import Footer, Settings
from wxformat.errors import ConfigError
from wxformat.render import render_markdown

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _template_text(footer: Footer, base_dir: Path) -> str:
    template = footer.template
    if template and "\n" not in template and template.endswith((".md", ".html", ".markdown")):
        path = (base_dir / template).expanduser()
        try:
            return path.read_text(encoding="utf-8-sig")
        except OSError:
            raise ConfigError(
                f"footer template file {path} cannot be read",
                "fix 'footer.template' in wxformat.toml",
            ) from None
    if template:
        return template
    parts = []
    if footer.account:
        parts.append("**关注公众号【{account}】**")
    if footer.slogan:
        parts.append("{slogan}")
    if footer.qrcode:
        parts.append('<img src="{qrcode}" alt="扫码关注 {account}" width="160">')
    if footer.links:
        parts.append("**往期推荐**\n\n{links}")
    return "\n\n".join(parts)


def footer_values(settings: Settings, meta: Mapping[str, object], title: str) -> dict[str, str]:
    footer = settings.footer
    qrcode = footer.qrcode
    if qrcode and "://" not in qrcode and not qrcode.startswith("data:"):
        qrcode = str((settings.base_dir / qrcode).expanduser())
    links = "\n".join(f"- [{link.title}]({link.url})" for link in footer.links)
    return {
        "account": footer.account,
        "slogan": footer.slogan,
        "qrcode": html.escape(qrcode),
        "links": links,
        "title": title,
        "author": str(meta.get("author") or ""),
    }


def render_footer(settings: Settings, meta: Mapping[str, object], title: str) -> str:
    """The footer as sanitised HTML inside `<section class="wx-footer">`, or '' when off."""
    footer = settings.footer
    if not footer.enabled or not footer.has_content:
        return ""
    values = footer_values(settings, meta, title)
    text = _PLACEHOLDER.sub(
        lambda m: values.get(m.group(1), m.group(0)), _template_text(footer, settings.base_dir)
    )
    return f'<section class="wx-footer">{render_markdown(text)}</section>'
