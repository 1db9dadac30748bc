"""`python -m wxformat` runs the command-line interface."""

from wxformat.faces.cli import entry

entry()
