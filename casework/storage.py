"""The files of documents, stored under `data_dir/documents/` by their SHA-256.

DESIGN §2.7: "Documents [...] are stored on disk by hash". A file is first written to a temporary
file in the same folder tree, hashed as it is written, flushed to disk, and only then renamed to
its name (`ab/cd/abcd…`): a rename within one file system is atomic, so a crash at any moment
leaves either no file or the whole file, never half of one. The same bytes stored twice are one
file. A file is never changed once it has its name.
"""

import hashlib
import io
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024


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

    def receive(self, stream: BinaryIO, *, limit: int) -> Received:
        """Write a stream to a temporary file while hashing it; refuse past `limit` bytes."""
        spool = self.root / "tmp"
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
                os.fsync(out.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return Received(temporary=temporary, sha256=digest.hexdigest(), size=size)

    def keep(self, received: Received) -> bool:
        """Give a received file its name; return True when these bytes were not stored yet."""
        final = self.path(received.sha256)
        if final.exists():
            received.temporary.unlink(missing_ok=True)
            return False
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.temporary, final)
        return True

    def discard(self, received: Iterable[Received]) -> None:
        """Remove temporary files that will not be kept."""
        for item in received:
            item.temporary.unlink(missing_ok=True)

    def forget(self, sha256s: Iterable[str]) -> None:
        """Remove files stored for a command that did not commit (no row names them)."""
        for sha256 in sha256s:
            self.path(sha256).unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        """Store bytes already in memory; return their hash and whether they are new."""
        received = self.receive(io.BytesIO(data), limit=len(data))
        return received.sha256, self.keep(received)
