"""Writing files so that a reader, a crash or Ctrl-C never sees half of one.

Every policykb writer goes through this module:

    atomic_write_bytes(path, data)          # the whole file, or nothing
    atomic_write_text(path, text)           # the same, UTF-8
    with atomic_path(path) as temp:         # for libraries that want a file name to write to
        graph.serialize(destination=temp)   #   (rdflib, matplotlib's savefig ...)
    with atomic_folder(path) as temp_dir:   # for writers of several files (a report folder)
        (temp_dir / "index.html").write_text(...)

How: the data goes to a temporary file (or folder) beside the target, named
`.NAME.XXXXXXXX.tmp`; it is fsynced and then renamed onto the target with `os.replace`,
which is atomic on POSIX and Windows. Only when the block succeeds; on any failure,
KeyboardInterrupt included, the temporary is removed and the target is untouched. An
`OSError` becomes a `WriteError` naming the target: both a PolicyKBError (the CLI prints
it, exit status 1) and an OSError; other exceptions pass through unchanged.

A replaced file keeps the permission bits of the file it replaces; a new file gets the
usual `0o666 & ~umask` (not mkstemp's private 0o600). The target's folder must exist.

The commit point is the rename. After it only the folder is fsynced (so the rename itself
survives a power cut) and a replaced folder is deleted; a failure there is ignored, since
the new version is already in place and complete (and some filesystems cannot fsync a
folder). So a Ctrl-C that arrives that late leaves the new version, never a mix.

A target that is a symbolic link is replaced by a file (the link is not followed).
tests/safety/test_safe_writes.py fails every step of every writer in turn and checks the
target is byte for byte the old version (or, after the commit point, the new one).
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from policykb.errors import Diagnostic, PolicyKBError

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_path", "atomic_folder", "WriteError", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".tmp"


class WriteError(PolicyKBError, OSError):
    """A write that failed (the target is as it was): a located PolicyKBError for the command
    line, and still an OSError (with the original errno) for code that catches those."""


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically; returns `path`."""
    path = Path(path)
    with atomic_path(path) as temp:
        with open(temp, "wb") as out:
            out.write(data)
    return path


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (no newline translation); returns `path`."""
    return atomic_write_bytes(path, text.encode(encoding))


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield an empty temporary file beside `path`; when the block succeeds it is fsynced and
    renamed onto `path`, on any failure it is removed and `path` is left as it was."""
    path = _named(path)
    if path.is_dir():
        raise _write_error(path, IsADirectoryError(21, "it is a folder"))
    temp: Path | None = None
    try:
        temp = _create_temp_file(path)
        yield temp
        _keep_mode(path, temp)
        _fsync_file(temp)
        os.replace(temp, path)  # the commit point
        temp = None
    except BaseException as error:
        if temp is not None:
            _remove(temp)
        if isinstance(error, OSError):
            raise _write_error(path, error) from None
        raise
    _fsync_folder(path.parent)


@contextmanager
def atomic_folder(path: Path | str) -> Iterator[Path]:
    """Yield an empty temporary folder beside `path`; when the block succeeds its files are
    fsynced and it takes the place of `path` (the old folder, if any, is then deleted). On any
    failure it is removed and `path` is left as it was.

    The swap is one atomic exchange where the system offers it (Linux renameat2); elsewhere
    it is two renames (old folder aside, new one in), undone if the second fails.
    """
    path = _named(path)
    if path.exists() and not path.is_dir():
        raise _write_error(path, NotADirectoryError(20, "a file of that name exists, not a folder"))
    temp: Path | None = None
    old: Path | None = None
    try:
        temp = _create_temp_folder(path)
        yield temp
        _keep_mode(path, temp)
        _fsync_tree(temp)
        if path.is_dir():
            old = _swap_in(temp, path)  # the commit point; `old` now holds the old folder
        else:
            os.rename(temp, path)  # the commit point
        temp = None
    except BaseException as error:
        if temp is not None:
            _discard(temp)
        if isinstance(error, OSError):
            raise _write_error(path, error) from None
        raise
    try:
        _fsync_folder(path.parent)
    finally:
        if old is not None:
            _discard(old)


def _discard(folder: Path) -> None:
    """Delete a temporary or replaced folder. A failure or an interrupt half-way gets one
    more try (what still cannot be deleted stays); an interrupt is then passed on."""
    try:
        shutil.rmtree(folder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


# ---------------------------------------------------------------------- helpers

def _named(path: Path | str) -> Path:
    """`path` as a Path with a last component ("." and ".." are resolved to get one)."""
    path = Path(path)
    return path if path.name else path.resolve()


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _create_temp_file(path: Path) -> Path:
    """A new empty file beside `path`, mode 0o666 & ~umask (as open() makes one)."""
    while True:
        temp = _temp_name(path)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        try:
            os.close(fd)
        except BaseException:
            _remove(temp)
            raise
        return temp


def _create_temp_folder(path: Path) -> Path:
    while True:
        temp = _temp_name(path)
        try:
            os.mkdir(temp, 0o777)
            return temp
        except FileExistsError:
            continue


def _keep_mode(path: Path, temp: Path) -> None:
    """Give `temp` the permission bits of the `path` it replaces (if there is one)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    os.chmod(temp, mode)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """fsync every file below `folder`, then every folder (deepest first)."""
    folders = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            file = Path(root, name)
            if not file.is_symlink():
                _fsync_file(file)
        folders.append(Path(root))
    for sub in reversed(folders):
        _fsync_folder(sub, strict=True)


def _fsync_folder(folder: Path, strict: bool = False) -> None:
    """fsync a folder so the renames in it are durable. Not possible on every system or
    filesystem: ignored then, and any failure is ignored after the commit point (when not
    `strict`), where the new version is already in place."""
    if os.name != "posix":
        return  # Windows cannot open a folder as a file; its renames are durable by themselves
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        if strict and error.errno not in _FSYNC_UNSUPPORTED:
            raise


_FSYNC_UNSUPPORTED = {22, 95}  # EINVAL, EOPNOTSUPP: the filesystem cannot fsync a folder


def _swap_in(new: Path, path: Path) -> Path:
    """Put folder `new` in the place of folder `path`; returns where the old folder now is."""
    if _exchange(new, path):
        return new  # the names were exchanged: `new` holds the old folder now
    old = _temp_name(path).with_suffix(".old")
    os.rename(path, old)
    try:
        os.rename(new, path)
    except BaseException:
        os.rename(old, path)
        raise
    return old


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE). False where the
    system does not offer it (the caller then renames twice); OSError if it fails."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    import ctypes

    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: kernel or filesystem cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), str(b))


_RENAMEAT2: list = []


def _renameat2():
    if not _RENAMEAT2:
        function = None
        if os.name == "posix":
            try:
                import ctypes

                function = ctypes.CDLL(None, use_errno=True).renameat2
                function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
                function.restype = ctypes.c_int
            except (OSError, AttributeError):
                function = None
        _RENAMEAT2.append(function)
    return _RENAMEAT2[0]


def _remove(temp: Path) -> None:
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass
    except OSError:
        pass  # nothing better to do: the original error is the one to report


def _write_error(path: Path, error: OSError) -> WriteError:
    if isinstance(error, WriteError):
        return error
    reason = error.strerror or str(error) or type(error).__name__
    result = WriteError([Diagnostic(f"cannot write: {reason}", file=str(path),
                                    hint="the old version was left as it was" if path.exists() else None)])
    result.errno, result.strerror, result.filename = error.errno, reason, str(path)
    return result
