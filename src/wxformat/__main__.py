"""`python -m wxformat` runs the command-line interface."""

from wxformat.cli import entry

entry()
