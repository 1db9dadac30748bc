"""wxformat: Markdown articles to HTML that pastes intact into the WeChat article editor."""

__version__ = "0.1.0"
