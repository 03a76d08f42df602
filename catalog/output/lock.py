"""One build at a time on an output folder, and what killed builds left beside it cleaned away.

A build holds an exclusive lock (flock) on `.<out>.lock` beside the output folder from its first
step to its last, so two builds never write one site at once. Holding it, a build knows that any
`.<out>.building-<pid>` (a new tree being written) or `.<out>.old-<pid>` (the site being replaced)
beside the folder, and any temp file of an atomic write inside it, is the leftover of a build that
was killed, and removes it; a site that a kill left set aside (the two-rename swap, where the
atomic exchange is not available) is put back first. The kernel lets go of the lock when the
process ends, however it ends; a build that ends deletes the lock file while it still holds it
(and a build that took the lock checks that the file it locked is still the one at that path).

Standard library only, and only its light modules: a build with nothing to do takes the lock too.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..config import MARKER
from ..errors import CatalogError
from ..files import remove_stale_temps

_held: set[int] = set()  # lock file descriptors of this process, closed in every forked child


def beside(out: Path, what: str) -> Path:
    """The path `.<name>.<what>` next to the output folder (`--out .` included)."""
    folder = Path(os.path.abspath(out))
    if not folder.name:
        raise CatalogError(f"refusing to build into {out}: the root of the file system has no folder beside it")
    return folder.with_name(f".{folder.name}.{what}")


def building(out: Path) -> Path:
    """Where this process writes the new tree of the site."""
    return beside(out, f"building-{os.getpid()}")


def retired(out: Path) -> Path:
    """Where this process sets the old site aside when it cannot swap the two trees atomically."""
    return beside(out, f"old-{os.getpid()}")


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock for the block, after cleaning what killed builds left.

    Another build holding it is an error at once (a one-line CatalogError), never a wait.
    """
    path = beside(out, "lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd: int | None = _take(path, out)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        fd = None
    if fd is None:
        # Nothing can be created beside the output, so no build can replace it (its new tree goes
        # there too): a build that finds it up to date may still say so; any other fails writing.
        yield
        return
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held.add(fd)
        clean_leftovers(out)
        yield
    finally:
        _held.discard(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)  # still holding it: a build that opened this file finds it gone (_take)
        os.close(fd)  # lets go of the lock


def _take(path: Path, out: Path) -> int:
    """Open and lock path; fail at once when another build holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise CatalogError(f"another build is writing {out} (process {holder} holds {path}); "
                               "run again when it is done") from None
        try:
            now, mine = os.stat(path), os.fstat(fd)
            if (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the build that held it deleted it as it ended: lock the new one


def _close_in_child() -> None:
    # A forked worker (a render worker, a resize process) must not keep the lock alive: closing
    # its copy leaves the parent's, which holds the lock until the parent ends. Never LOCK_UN,
    # which would release the parent's lock too (they share one open file description).
    for fd in _held:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


def clean_leftovers(out: Path) -> None:
    """Remove what killed builds left beside out and in it; put back a site a kill left set aside.

    Only under the lock: then no other build of this folder is running, and every such name is a
    leftover (its process is gone, or it is this one's from an earlier call that failed).
    """
    folder = Path(os.path.abspath(out))
    prefix = f".{folder.name}."
    trees: list[tuple[str, Path]] = []
    try:
        with os.scandir(folder.parent) as entries:
            for entry in entries:
                if entry.name.startswith(prefix):
                    kind, _, pid = entry.name[len(prefix):].rpartition("-")
                    if kind in ("building", "old") and pid.isdigit():
                        trees.append((kind, Path(entry.path)))
    except FileNotFoundError:
        return
    if not os.path.lexists(folder):
        # Killed between the two renames of the fallback swap: the old site waits beside, complete.
        for kind, tree in sorted(trees, key=lambda t: t[0] != "old"):
            if kind == "old" and (tree / MARKER).is_file():
                os.rename(tree, folder)
                trees.remove((kind, tree))
                break
    for _, tree in trees:
        remove_tree(tree)
    if folder.is_dir():
        remove_stale_temps(folder, any_owner=True)  # the marker is rewritten in place when only it changes


def remove_tree(path: Path) -> None:
    """Delete a folder and everything in it, never following a symbolic link out of it."""
    if path.is_symlink():
        path.unlink(missing_ok=True)
        return
    import shutil  # here: most builds never have a leftover

    shutil.rmtree(path, ignore_errors=True)  # rmtree does not follow links inside the tree
