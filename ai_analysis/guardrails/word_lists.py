"""The guardrails' word and phrase lists, kept as data beside this module (AI-6, AI-7).

Each list is a UTF-8 text file in this package: ``[section]`` headers, one entry per line, ``#`` starts a comment
line, blank lines are ignored. Entries are used exactly as written (leading and trailing spaces are not part of an
entry). The files are read once, when the rule module that uses them is imported.
"""

from __future__ import annotations

from importlib.resources import files


def load_sections(filename: str) -> dict[str, tuple[str, ...]]:
    """The sections of one list file, in file order: ``{section name: entries}``."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    text = files(__package__).joinpath(filename).read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is None:
            raise ValueError(f"{filename}:{number}: an entry before the first [section]")
        else:
            current.append(line)
    return {name: tuple(entries) for name, entries in sections.items()}
