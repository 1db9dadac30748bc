"""Our own Python-Markdown extensions: GFM block structure, math, headings, alerts."""
