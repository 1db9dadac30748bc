"""Our own Python-Markdown extensions: GFM block structure, math, headings, callout boxes
(alerts, containers, admonitions, tabs) and the inline dialects of writers' editors."""
