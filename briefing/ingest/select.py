"""Which files are read: ``--include`` / ``--exclude`` globs, and files that are not articles.

By default a folder's housekeeping files are not news: ``README``, ``LICENSE``/``LICENCE``,
``CHANGELOG``, ``PROVENANCE`` (files and folders of that name, whatever their extension) and
anything whose name starts with a dot. They are skipped and listed with that reason; naming
them in ``--include`` reads them anyway.

A glob matches a file when it matches its name, or any run of the folders and name in its
path under the argument it was found in (``*`` also crosses ``/``), so ``--exclude '*.json'``,
``--exclude drafts`` (a folder) and ``--include 'wonsan-2025-07/*.txt'`` work as expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

# Upper-cased stems (the name up to its first dot) of a repository's or a dataset's
# housekeeping files: documentation about the folder, never an article.
NOT_ARTICLE_STEMS = frozenset(
    {"README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG", "CHANGES", "PROVENANCE"}
)


@dataclass(frozen=True)
class Selection:
    """The user's ``--include`` and ``--exclude`` globs (empty: read every article file)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Selection:
        """A selection from any sequences of globs."""
        return cls(tuple(include), tuple(exclude))

    def folder_problem(self, name: str, relative: str) -> str | None:
        """Why a folder found while walking is not entered, or None to walk it."""
        return self._excluded(name, relative) or self._not_article(name, relative, "folder")

    def file_problem(self, name: str, relative: str) -> str | None:
        """Why a file is not read, or None to read it. `relative` is its display path."""
        excluded = self._excluded(name, relative)
        if excluded:
            return excluded
        if self.include:
            if any(_matches(glob, name, relative) for glob in self.include):
                return None
            return f"not matched by --include {' '.join(self.include)}"
        return self._not_article(name, relative, "file")

    def _excluded(self, name: str, relative: str) -> str | None:
        for glob in self.exclude:
            if _matches(glob, name, relative):
                return f"excluded by --exclude {glob}"
        return None

    def _not_article(self, name: str, relative: str, kind: str) -> str | None:
        if any(_matches(glob, name, relative) for glob in self.include):
            return None
        if name.startswith("."):
            return f"hidden {kind}, not read (name it in --include to read it)"
        stem = name.split(".", 1)[0].upper()
        if stem in NOT_ARTICLE_STEMS:
            return f"not an article ({stem} {kind}); name it in --include to read it"
        return None


def _matches(glob: str, name: str, relative: str) -> bool:
    """True when `glob` matches the name, or any run of folders and name in the path
    (``PROVENANCE`` matches ``corpus/PROVENANCE/a.md``, ``PROVENANCE/*.md`` too)."""
    glob = glob.rstrip("/")
    if fnmatchcase(name, glob):
        return True
    parts = relative.split("/")
    return any(
        fnmatchcase("/".join(parts[start:end]), glob)
        for start in range(len(parts))
        for end in range(start + 1, len(parts) + 1)
    )
