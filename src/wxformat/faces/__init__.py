"""The faces: what a user drives (the command line, folder conversion, check, the theme
gallery, the clipboard, the preview server, publishing to WeChat, the MCP server) and the
helpers only they use (runner: file -> Result; output: atomic writes; title; deferred).

Faces import the pipeline; nothing outside this package imports a face, except
`python -m wxformat` (wxformat/__main__.py) for its entry point (tests/test_layers.py).
Importing this package imports nothing, so the CLI can defer modules before bs4 loads.
"""
