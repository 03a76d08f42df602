"""Write files so that a reader sees the old content or the new one, never a part; and the few
system calls beyond `os` that keep a site whole (renameat2, prctl), through libc.

An error of a write names the file: os.write() and a file object's write() raise OSError with no
filename, and the one line a user sees must say which file the full disk refused.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol


def fingerprint(data: bytes) -> str:
    """What a site's manifest keeps of a file's content: SHA-256 (hardware-assisted on most CPUs, twice
    BLAKE2b's speed here), cut to 96 bits, plenty to notice that a page changed."""
    return hashlib.sha256(data).hexdigest()[:24]


TEMP_SUFFIX = ".tmp"  # an atomic write's temp file: .<name>.<pid>.<random>.tmp, beside the target


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "wb", *, fsync: bool = False) -> Iterator[IO[Any]]:
    """Open a temp file beside path; it replaces path only if the block ends without an error.

    The temp file's name carries the process id, so that a later build can tell the leftover of a
    killed one (remove_stale_temps) from the file of a build still running.
    """
    import tempfile  # here: the lock and the leftover check of a build with nothing to do need the rest only

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as out:
            yield out
            if fsync:  # data that took a long crawl to get: make it durable before it counts
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise named(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path atomically."""
    with atomic_file(path) as out:
        out.write(data)


def named(exc: OSError, path: Path | str) -> OSError:
    """exc with path as its filename when it has none (ENOSPC from os.write, EFBIG from a close)."""
    if exc.filename is not None or exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))  # the subclass follows errno


def write_all(fd: int, data: bytes, path: str) -> None:
    """Write every byte of data to fd; an error names path."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise named(exc, path) from None


def remove_stale_temps(folder: Path, *, any_owner: bool = False) -> int:
    """Delete the temp files that atomic writes of dead processes left in folder (of any process
    with any_owner: the caller knows that nobody else writes there); return how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        pid = temp_owner(entry.name)
        if pid is not None and (any_owner or not alive(pid)) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def temp_owner(name: str) -> int | None:
    """The process id in an atomic write's temp file name (.<name>.<pid>.<random>.tmp), else None."""
    if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
        return None
    parts = name[: -len(TEMP_SUFFIX)].rsplit(".", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() and parts[1].isascii() else None


def alive(pid: int) -> bool:
    """Whether process pid exists (this one included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, as another user's
        return True
    return True


# --- System calls through libc (Linux): loaded on first use, never by a build with nothing to do ----

RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@cache
def libc() -> Any:
    """The C library through ctypes, or None off Linux or where it cannot be loaded."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # 4 ms: only for a build that writes a site or forks workers

        return ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (renameat2 with RENAME_EXCHANGE): at no instant
    is either name missing. Return False where the system cannot (not Linux, a C library before
    glibc 2.28, a kernel before 3.15, a file system without it): the caller then renames twice."""
    lib = libc()
    renameat2 = getattr(lib, "renameat2", None) if lib is not None else None
    if renameat2 is None:
        return False
    import ctypes

    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # no RENAME_EXCHANGE here
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed (SIGKILL) the moment the parent dies, however it dies, so no
    worker outlives a killed build; exit at once if the parent is already gone (the race between
    fork and prctl). Nothing happens where prctl is not available."""
    lib = libc()
    if lib is not None:
        import ctypes
        import signal

        lib.prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
        lib.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


# --- What every output is written through ----------------------------------------------------------

class Writer(Protocol):
    """Where a build's files go (output/writer.py's SiteWriter): each stage writes through this,
    never to disk itself, so the site is replaced whole or not at all."""

    new: dict[str, str]  # every file of the build so far: site-relative path -> digest

    def write(self, path: str, data: bytes) -> None: ...

    def copy(self, path: str, source: Path, digest: str) -> None: ...


class Output(NamedTuple):
    """One kind of output of a build, by name: `publish(writer)` writes its files."""

    name: str
    publish: Callable[[Writer], str | None]  # a str: what it did instead of writing ("... not written")
    # May run in a render worker (output/parallel.py) rather than in the parent: it only writes files,
    # and leaves nothing that the parent reads afterwards.
    anywhere: bool = False

    def run(self, writer: Writer) -> None:
        """Publish, then stamp the time under --debug (where a slow build spends it)."""
        said = self.publish(writer)
        logging.getLogger("catalog.build").debug("%s", said if isinstance(said, str) else f"{self.name} written")


class KeptFiles(NamedTuple):
    """Files a build made from inputs that `key` stands for, kept in a cache folder so that the next build
    of the same inputs links them into the site instead of making them again (the exports, the search
    index, the citation files: site/derived.py); with a manifest of their digests and what else their
    maker wants back (`extra`, JSON).

    Anything wrong with them (another key, a file missing or changed since: a hard link shared with a
    site that was edited in place) means making them again; a cache that cannot keep them only warns.
    """

    folder: Path
    key: str

    def load(self) -> tuple[list[tuple[str, Path, str]], Any] | None:
        """(site path, kept file, digest) of every kept file, and the extra; None unless all are as kept."""
        import json

        try:
            manifest = json.loads((self.folder / "manifest.json").read_bytes())
            if manifest.get("key") != self.key:
                return None
            files = [(str(path), self.folder / str(name), str(digest)) for path, name, digest in manifest["files"]]
            for _, source, digest in files:  # 40 MB at 10,000 records: hashed in about 30 ms
                if fingerprint(source.read_bytes()) != digest:
                    return None
        except (OSError, ValueError, TypeError, KeyError) as exc:
            logging.getLogger(__name__).debug("nothing kept in %s: %s", self.folder, exc)
            return None
        return files, manifest.get("extra")

    def publish(self, writer: Writer) -> bool:
        """Link the kept files into the site when they are all there, as kept; return whether they were."""
        found = self.load()
        if found is None:
            return False
        for path, source, digest in found[0]:
            writer.copy(path, source, digest)
        return True

    def keeping(self) -> KeepingFiles:
        """Keep files as they are made: add() each, then finish(extra)."""
        return KeepingFiles(self)


class KeepingFiles:
    """Files kept as they are made, in a new folder that takes the old one's place at finish(); a failure
    leaves the old one and says so in a warning (the site does not depend on it)."""

    def __init__(self, kept: KeptFiles) -> None:
        import shutil

        self.kept, self.listed = kept, list[tuple[str, str, str]]()
        self.new: Path | None = kept.folder.with_name(f".{kept.folder.name}.{os.getpid()}.new")
        try:
            self.new.parent.mkdir(parents=True, exist_ok=True)
            for left in self.new.parent.glob(f".{kept.folder.name}.*"):  # what a killed build left half done
                pid = left.name[len(kept.folder.name) + 2:].partition(".")[0]
                if pid.isdigit() and (int(pid) == os.getpid() or not alive(int(pid))):
                    shutil.rmtree(left, ignore_errors=True)
            self.new.mkdir()
        except OSError as exc:
            self.failed(exc)

    def add(self, path: str, data: bytes) -> None:
        if self.new is None:
            return
        name = f"{len(self.listed):05d}{Path(path).suffix}"
        try:
            (self.new / name).write_bytes(data)
        except OSError as exc:
            self.failed(exc)
            return
        self.listed.append((path, name, fingerprint(data)))

    def finish(self, extra: Any = None) -> None:
        import json
        import shutil

        if self.new is None:
            return
        folder = self.kept.folder
        try:
            manifest = {"key": self.kept.key, "files": self.listed, "extra": extra}
            (self.new / "manifest.json").write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
            old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
            if folder.exists():
                os.rename(folder, old)
            try:
                os.rename(self.new, folder)
            except OSError:
                os.rename(old, folder)  # the last kept ones stay
                raise
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            self.failed(exc)

    def failed(self, exc: OSError) -> None:
        import shutil

        logging.getLogger(__name__).warning("could not keep files in %s: %s", self.kept.folder, exc.strerror or exc)
        if self.new is not None:
            shutil.rmtree(self.new, ignore_errors=True)
        self.new = None


def kept_job(kept: KeptFiles | None, make: Callable[[], Iterable[tuple[str, bytes]]]) -> Callable[[Writer], None]:
    """The job that writes make()'s files through the writer: linked from `kept` when it holds them, else
    made, written and kept (None: no cache, always made)."""
    def publish(writer: Writer) -> None:
        if kept is not None and kept.publish(writer):
            logging.getLogger(__name__).debug("%s: kept from the last build with these inputs", kept.folder.name)
            return
        keeping = kept.keeping() if kept is not None else None
        for path, data in make():
            writer.write(path, data)
            if keeping is not None:
                keeping.add(path, data)
        if keeping is not None:
            keeping.finish()

    return publish
