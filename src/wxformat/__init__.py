"""wxformat: Markdown articles to HTML that pastes intact into the WeChat Official Account editor."""

__version__ = "0.1.0"
