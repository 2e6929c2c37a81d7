"""Inputs: command-line arguments expanded to files, and their bytes read under a size cap.

Folders are walked recursively in sorted order; hidden files and folders are ignored. Each
input gets a display path relative to the argument that named it (a folder argument
``x/wonsan-2025-07`` gives ``wonsan-2025-07/000_….txt``; a file argument gives its name), so
nothing downstream depends on where the files live. gzip data is decompressed transparently,
whatever the file is called, and the cap applies to the decompressed bytes.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from briefing.ingest.models import Unusable

STDIN_ARGUMENT = "-"
STDIN_DISPLAY = "stdin"
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class InputRef:
    """One input to read: a file, or stdin (`path` None), or an argument that is unusable."""

    display: str
    path: Path | None
    problem: str | None = None

    @property
    def name(self) -> str:
        """The file name used to guess the format (empty for stdin)."""
        return self.path.name if self.path is not None else ""


@dataclass
class RawInput:
    """The bytes of one input (decompressed, capped) and notes on how they were read."""

    data: bytes
    truncated: bool
    notes: list[str] = field(default_factory=list)


def expand_arguments(arguments: Sequence[str | Path]) -> list[InputRef]:
    """Turn files, folders and ``-`` into the ordered list of inputs to read."""
    refs: list[InputRef] = []
    for argument in arguments:
        if str(argument) == STDIN_ARGUMENT:
            refs.append(InputRef(STDIN_DISPLAY, None))
            continue
        path = Path(argument)
        try:
            is_dir = path.is_dir()
            is_file = path.is_file()
        except OSError as error:
            refs.append(InputRef(str(argument), path, f"cannot access: {error.strerror}"))
            continue
        if is_dir:
            refs.extend(_folder_inputs(path))
        elif is_file:
            refs.append(InputRef(path.name, path))
        elif path.exists():
            refs.append(InputRef(str(argument), path, "not a regular file or folder"))
        else:
            refs.append(InputRef(str(argument), path, "no such file or folder"))
    return refs


def read_input(ref: InputRef, stdin: BinaryIO | None, max_bytes: int) -> RawInput:
    """Read at most `max_bytes` (after decompression) of one input; raises `Unusable`."""
    if ref.path is None:
        if stdin is None:
            raise Unusable("no standard input to read")
        return _read_stream(stdin, max_bytes, total=None)
    try:
        with ref.path.open("rb") as stream:
            return _read_stream(stream, max_bytes, total=ref.path.stat().st_size)
    except OSError as error:
        raise Unusable(f"cannot read: {error.strerror or error}") from error


def _folder_inputs(folder: Path) -> list[InputRef]:
    label = folder.resolve().name or str(folder)
    found: list[tuple[tuple[str, ...], InputRef]] = []
    pending: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    visited: set[tuple[int, int]] = set()  # (device, inode): symlinked folders can loop
    while pending:
        directory, parts = pending.pop()
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in visited:
                continue
            visited.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(directory))
        except OSError as error:
            display = "/".join((label, *parts))
            found.append((parts, InputRef(display, directory, f"cannot list: {error.strerror}")))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            entry_parts = (*parts, entry.name)
            if entry.is_dir():
                pending.append((Path(entry.path), entry_parts))
                continue
            problem = None if entry.is_file() else "not a regular file"
            display = "/".join((label, *entry_parts))
            found.append((entry_parts, InputRef(display, Path(entry.path), problem)))
    if not found:
        return [InputRef(label, folder, "folder holds no files (hidden files are ignored)")]
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


def _read_stream(stream: BinaryIO, max_bytes: int, total: int | None) -> RawInput:
    head = _read_up_to(stream, len(_GZIP_MAGIC))
    if head == _GZIP_MAGIC:
        return _gunzip(head, stream, max_bytes)
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
