"""The files of documents, stored under `data_dir/documents/` by their SHA-256.

DESIGN §2.7: "Documents [...] are stored on disk by hash". A file is first written to a temporary
file in the same folder tree, hashed as it is written, flushed to disk, and only then renamed to
its name (`ab/cd/abcd…`): a rename within one file system is atomic, so a crash at any moment
leaves either no file or the whole file, never half of one. The same bytes stored twice are one
file. A file is never changed once it has its name.

A name is durable once its folder is flushed too (`sync_names`), which the caller does before
committing a row that names the file: a database row never names a file that a power failure
could take back. Email intake flushes the files of a batch of messages together (`make_durable`:
their data in parallel before they are named, then their folders), which costs about what one
file costs alone; a crash before the commit leaves named files that no row names, which the
orphan sweep removes (casework.services.retention.remove_orphan_files).
"""

import hashlib
import io
import os
import secrets
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
# The data and the size of a file, without its times (fsync where the system has no fdatasync).
_fdatasync = getattr(os, "fdatasync", os.fsync)
# Flushes waited for at once: the disk takes them in one queue; more threads gain nothing.
FLUSHERS = 16


class OverLimit(Exception):
    """The stream holds more bytes than allowed; nothing was kept."""


@dataclass
class Received:
    """A file written to its temporary place, hashed, not yet named."""

    temporary: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class DocumentStore:
    root: Path

    @classmethod
    def under(cls, data_dir: Path) -> "DocumentStore":
        """Return the store of a data folder."""
        return cls(Path(data_dir) / "documents")

    def path(self, sha256: str) -> Path:
        """Return where the file of this hash lives."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def receive(self, stream: BinaryIO, *, limit: int, durable: bool = True) -> Received:
        """Write a stream to a temporary file while hashing it; refuse past `limit` bytes.
        With `durable=False` the file is not flushed: the caller flushes it with others
        (`make_durable`) before naming it."""
        spool = self.root / "tmp"
        if not spool.is_dir():
            spool.mkdir(parents=True, exist_ok=True)
        temporary = spool / f"{secrets.token_hex(8)}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            with open(temporary, "xb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise OverLimit()
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                if durable:
                    _fdatasync(out.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return Received(temporary=temporary, sha256=digest.hexdigest(), size=size)

    def keep(self, received: Received) -> bool:
        """Give a received file its name; return True when these bytes were not stored yet."""
        final = self.path(received.sha256)
        try:
            # Bytes already stored: refresh their age, so that the orphan sweep (which removes
            # only files unnamed for an hour) cannot take them before this command's row names
            # them.
            os.utime(final)
        except FileNotFoundError:
            pass
        else:
            received.temporary.unlink(missing_ok=True)
            return False
        if not final.parent.is_dir():  # a look costs less than a mkdir refused
            final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.temporary, final)
        return True

    def make_durable(self, received: Iterable[Received]) -> None:
        """Flush the data of received files to disk, all at once, before they are named."""
        _each(_fdatasync, [item.temporary for item in received], os.O_RDONLY)

    def sync_names(self, sha256s: Iterable[str]) -> None:
        """Flush the folders that gained these names (and the folders made for them), so that the
        names survive a power failure; call it before committing the rows that name them."""
        folders = set()
        for sha256 in sha256s:
            path = self.path(sha256)
            folders.update((path.parent, path.parent.parent, self.root))
        _each(os.fsync, sorted(folders), os.O_RDONLY | os.O_DIRECTORY)

    def discard(self, received: Iterable[Received]) -> None:
        """Remove temporary files that will not be kept."""
        for item in received:
            item.temporary.unlink(missing_ok=True)

    def forget(self, sha256s: Iterable[str]) -> None:
        """Remove files whose rows a committed command has just removed (the final action of
        retention). A command that fails leaves the files it stored to the orphan sweep instead:
        a concurrent command may have found the same bytes stored and be about to name them."""
        for sha256 in sha256s:
            self.path(sha256).unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        """Store bytes already in memory, durably; return their hash and whether they are new."""
        received = self.receive(io.BytesIO(data), limit=len(data))
        new = self.keep(received)
        if new:
            self.sync_names([received.sha256])
        return received.sha256, new


def _each(flush: Callable[[int], None], paths: list[Path], flags: int) -> None:
    """Open each path and flush it, the flushes waited for together."""

    def one(path: Path) -> None:
        descriptor = os.open(path, flags)
        try:
            flush(descriptor)
        finally:
            os.close(descriptor)

    if len(paths) <= 1:
        for path in paths:
            one(path)
        return
    with ThreadPoolExecutor(max_workers=min(FLUSHERS, len(paths))) as pool:
        list(pool.map(one, paths))
