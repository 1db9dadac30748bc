"""Typed errors. The CLI maps them to exit codes; nothing else prints them."""

from __future__ import annotations

import click


class WxformatError(click.ClickException):
    """A problem the user can fix: printed as one line with a hint, exit status 1."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message)

    def format_message(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class InputError(WxformatError):
    """The article cannot be read: missing, a directory, unreadable, undecodable."""


class ConfigError(WxformatError):
    """wxformat.toml or front matter holds a value that cannot be used."""


class ThemeError(WxformatError):
    """A theme cannot be found or is malformed."""


class OutputError(WxformatError):
    """The output cannot be written where asked."""


class UncheckableError(WxformatError):
    """`check` could not check the file at all (exit status 2; problems found give 1)."""

    exit_code = 2


class UsageError(WxformatError):
    """A command-line option has a value that cannot be used: exit status 2."""

    exit_code = 2
