"""User-facing errors.

Every mistake a user can make in a data, content or config file is reported as an
``AimaqError`` naming the file, the line (or CSV row), what was expected and how to fix it.
Only the CLI turns these into terminal output; nothing else prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class AimaqError(Exception):
    """A problem in the user's input, reported without a traceback."""

    message: str
    file: str | Path | None = None
    line: int | None = None
    fix: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
        return where

    def __str__(self) -> str:
        parts = []
        if self.where:
            parts.append(f"{self.where}: ")
        parts.append(self.message.rstrip("."))
        parts.append(".")
        if self.fix:
            parts.append(f" Fix: {self.fix.rstrip('.')}.")
        return "".join(parts)


class ConfigError(AimaqError):
    """site.yaml is invalid."""


class DataError(AimaqError):
    """A data file (units, indicators, tables, checks) is invalid."""


class ContentError(AimaqError):
    """A content page (Markdown + front matter) is invalid."""


class MethodologyError(AimaqError):
    """An index specification is invalid or cannot be computed on the data."""


class ComputeError(AimaqError):
    """An index cannot be computed (division by zero, missing values)."""


@dataclass(frozen=True)
class Problem:
    """One thing to fix, at ``file:line``: what ``aimaq check`` lists, one per mistake."""

    file: str
    line: int
    message: str
    fix: str | None = None

    @classmethod
    def of(cls, err: AimaqError, default_file: Path | str | None = None,
           base: Path | None = None) -> Problem:
        """``err`` at its own file, or at ``default_file`` when it names none; a file inside
        ``base`` (the project) is shown relative to it."""
        file = err.file if err.file is not None else default_file
        if file is not None and base is not None and Path(file).is_absolute():
            try:
                file = Path(file).resolve().relative_to(base)
            except ValueError:
                pass
        return cls(str(file) if file is not None else "site.yaml", err.line or 1,
                   err.message, err.fix)

    def __str__(self) -> str:
        return str(AimaqError(self.message, self.file, self.line, self.fix))
