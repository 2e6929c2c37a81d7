"""Inputs: command-line arguments expanded to files, and their bytes read under a size cap.

Folders are walked recursively in sorted order; hidden files and folders, and files that are
not articles, are listed with the reason they are not read (`briefing.ingest.select`). Each
input gets a display path relative to the argument that named it (a folder argument
``x/wonsan-2025-07`` gives ``wonsan-2025-07/000_….txt``; a file argument gives its name), so
nothing downstream depends on where the files live. gzip data is decompressed transparently,
whatever the file is called, and the cap applies to the decompressed bytes.
"""

from __future__ import annotations

import os
import posixpath
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from briefing.ingest.fetch import is_url
from briefing.ingest.models import Unusable
from briefing.ingest.select import Selection

STDIN_ARGUMENT = "-"
STDIN_DISPLAY = "stdin"
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_HEAD_BYTES = 4096


@dataclass(frozen=True)
class InputRef:
    """One input to read: a file, a URL, or stdin (neither `path` nor `url`), or an argument
    that is unusable (`problem` says why)."""

    display: str
    path: Path | None
    problem: str | None = None
    url: str | None = None

    @property
    def name(self) -> str:
        """The file name used to guess the format (empty for stdin and URLs)."""
        return self.path.name if self.path is not None else ""

    @property
    def is_stdin(self) -> bool:
        """True for the standard input."""
        return self.path is None and self.url is None


@dataclass
class RawInput:
    """The bytes of one input (decompressed, capped) and notes on how they were read."""

    data: bytes
    truncated: bool
    notes: list[str] = field(default_factory=list)


def expand_arguments(
    arguments: Sequence[str | Path],
    selection: Selection | None = None,
    max_files: int | None = None,
) -> list[InputRef]:
    """Turn files, folders, URLs and ``-`` into the ordered list of inputs to read.

    Files the `selection` leaves out come back with their reason as `problem`. A folder walk
    stops after `max_files` files (one more input says so), so a huge tree is not listed
    whole. Nothing here raises for a path that cannot be accessed: it becomes a problem.
    """
    selection = selection or Selection()
    refs: list[InputRef] = []
    for argument in arguments:
        if str(argument) == STDIN_ARGUMENT:
            refs.append(InputRef(STDIN_DISPLAY, None))
            continue
        if is_url(argument):
            refs.append(InputRef(str(argument), None, url=str(argument)))
            continue
        path = Path(argument)
        try:
            is_dir = path.is_dir()
            is_file = path.is_file()
            exists = is_dir or is_file or path.exists()
        except OSError as error:
            refs.append(InputRef(str(argument), path, _access_problem(error)))
            continue
        if is_dir:
            refs.extend(_folder_inputs(path, selection, max_files))
        elif is_file:
            refs.append(InputRef(path.name, path, selection.file_problem(path.name, path.name)))
        elif exists:
            refs.append(InputRef(str(argument), path, "not a regular file or folder"))
        elif path.is_symlink():
            refs.append(InputRef(str(argument), path, "broken symbolic link"))
        else:
            refs.append(InputRef(str(argument), path, "no such file or folder"))
    return refs


def read_input(
    ref: InputRef,
    stdin: BinaryIO | None,
    max_bytes: int,
    check_head: Callable[[bytes], None] | None = None,
) -> RawInput:
    """Read at most `max_bytes` (after decompression) of one input; raises `Unusable`.

    `check_head` sees the first 4 kB of a file that is not gzip before the rest is read, and
    may raise `Unusable` (a binary file is then not read whole).
    """
    if ref.url is not None:
        raise Unusable("a URL is fetched, not read")  # see briefing.ingest.remote
    if ref.path is None:
        if stdin is None:
            raise Unusable("no standard input to read")
        return read_stream(stdin, max_bytes, total=None, check_head=check_head)
    try:
        with ref.path.open("rb") as stream:
            total = ref.path.stat().st_size
            return read_stream(stream, max_bytes, total=total, check_head=check_head)
    except OSError as error:
        raise Unusable(f"cannot read: {error.strerror or error}") from error


def _folder_inputs(folder: Path, selection: Selection, max_files: int | None) -> list[InputRef]:
    """The folder's files, depth first in sorted order (the order of their relative paths)."""
    walk = _Walk(_folder_label(folder), selection, max_files)
    try:
        walk.visit(folder, ())
    except _WalkFull:
        note = f"stopped after {max_files:,} files (max_articles); the rest was not read"
        walk.refs.append(InputRef(walk.label, folder, note))
    return walk.refs or [InputRef(walk.label, folder, "folder holds no files")]


class _WalkFull(Exception):
    """The walk found as many files as it may."""


@dataclass
class _Walk:
    """One folder argument's walk: what it found so far."""

    label: str
    selection: Selection
    max_files: int | None
    refs: list[InputRef] = field(default_factory=list)
    files: int = 0
    visited: set[tuple[int, int]] = field(default_factory=set)  # symlinked folders can loop

    def visit(self, directory: Path, parts: tuple[str, ...]) -> None:
        """Add the files under `directory` (whose path under the argument is `parts`)."""
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in self.visited:
                return
            self.visited.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            display = posixpath.join(self.label, *parts)
            self.refs.append(InputRef(display, directory, f"cannot list: {error.strerror}"))
            return
        for entry in entries:
            self._entry(entry, (*parts, entry.name))

    def _entry(self, entry: os.DirEntry[str], parts: tuple[str, ...]) -> None:
        display = posixpath.join(self.label, *parts)
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as error:
            self.refs.append(InputRef(display, path, _access_problem(error)))
            return
        if is_dir:
            problem = self.selection.folder_problem(entry.name, display)
            if problem is None:
                self.visit(path, parts)
                return
        elif is_file:
            problem = self.selection.file_problem(entry.name, display)
            if problem is None:
                if self.max_files is not None and self.files >= self.max_files:
                    raise _WalkFull
                self.files += 1
        else:
            problem = "not a regular file" if _exists(path) else "broken symbolic link"
        self.refs.append(InputRef(display, path, problem))


def _folder_label(folder: Path) -> str:
    try:
        return folder.resolve().name or str(folder)
    except OSError:
        return str(folder)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return True


def _access_problem(error: OSError) -> str:
    """A short reason for a path that cannot be looked at (permission, symlink loop …)."""
    return f"cannot access: {error.strerror or error}"


def read_stream(
    stream: BinaryIO,
    max_bytes: int,
    total: int | None,
    check_head: Callable[[bytes], None] | None = None,
) -> RawInput:
    """Read at most `max_bytes` of `stream` (gzip unpacked; `total` is its size if known)."""
    head = _read_up_to(stream, len(_GZIP_MAGIC))
    if head == _GZIP_MAGIC:
        return _gunzip(head, stream, max_bytes)
    head += _read_up_to(stream, min(_HEAD_BYTES, max_bytes + 1) - len(head))
    if check_head is not None:
        check_head(head)
    data = head + _read_up_to(stream, max_bytes + 1 - len(head))
    if len(data) <= max_bytes:
        return RawInput(data, truncated=False)
    of_total = f" of {_human_size(total)}" if total else ""
    note = f"read only the first {_human_size(max_bytes)}{of_total} (max_file_bytes)"
    return RawInput(data[:max_bytes], truncated=True, notes=[note])


def _gunzip(head: bytes, stream: BinaryIO, max_bytes: int) -> RawInput:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    output = bytearray()
    pending = head
    problem: str | None = None
    while len(output) <= max_bytes:
        if not pending:
            pending = stream.read(_CHUNK)
            if not pending:
                break
        try:
            output += decompressor.decompress(pending, max_bytes + 1 - len(output))
        except zlib.error as error:
            problem = f"damaged gzip data ({error})"
            break
        pending = decompressor.unconsumed_tail
        if decompressor.eof:
            pending = decompressor.unused_data or stream.read(_CHUNK)
            if not pending.startswith(_GZIP_MAGIC):
                break
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
    if problem and not output:
        raise Unusable(problem)
    if problem is None and not decompressor.eof and len(output) <= max_bytes:
        problem = "gzip data ends early (truncated archive)"
    notes = [f"{problem}; read what could be decompressed"] if problem else []
    if len(output) > max_bytes:
        cap = _human_size(max_bytes)
        notes.append(f"read only the first {cap} of the decompressed data (max_file_bytes)")
        return RawInput(bytes(output[:max_bytes]), truncated=True, notes=notes)
    return RawInput(bytes(output), truncated=bool(problem), notes=notes)


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Read `size` bytes unless the stream ends first (pipes may return short reads)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(remaining, _CHUNK * 16))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _human_size(size: int | None) -> str:
    if size is None:
        return "?"
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.0f} kB" if size >= 10_000 else f"{size:,} bytes"
