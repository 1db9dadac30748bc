"""Warnings collected along the pipeline: each names its WeChat rule and, where known, its line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One problem a reader would notice, with the rule it comes from and how to fix it."""

    rule: str
    message: str
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.rule} {where}{self.message}{hint}"
