"""The validated graph kept on disk between commands, keyed by the content of every input file.

Reading and validating a million rows takes tens of seconds; reading the graph they make back from disk
takes a second or two. The first command after a change validates and builds as before, then keeps, in
one folder per list of data directories:

- ``KEY.graph``: the validated graph with every date in it (what ``changes`` and ``--as-of`` start from);
- ``KEY.DAY.graph``: its snapshot for the day it was made (what read commands answer from by default), or
  an empty ``KEY.DAY.same`` when that snapshot is the graph itself;
- ``KEY.DAY.part-HASH.graph``: small parts of that snapshot (what one park's analyses read, see
  :mod:`lithiumgraph.stores.parkpart`), so ``gaps --park`` reads its park's part instead of the graph;
- ``KEY.DAY.stats``: the figures of ``stats`` on that snapshot, made with it (they depend on nothing but the
  files and the day), so ``stats`` reads a few hundred bytes instead of the graph;
- ``KEY.DAY.names``: every name of every named node of that snapshot (made from it when ``search`` first
  asks), so ``search`` reads a few MiB instead of the graph;
- ``KEY.CRC.lbdb``: the embedded Cypher engine's database (named by its CRC-32), so ``query`` opens it
  instead of bulk-loading.

``KEY`` is a hash of every file the data directories hold (name and content), of this code and of the
versions of Python, networkx and the engine: an edited cell, a new file or a new release all make a new key,
and the old entry is removed when the new one is written. A graph file carries its length and checksum; one
that cannot be read is rebuilt with one warning, never used. Files are written under a temporary name and
renamed into place, so two processes building at once each write the same content and neither reads half a
file. Where: ``$LITHIUMGRAPH_CACHE``, else ``$XDG_CACHE_HOME/lithiumgraph``, else ``~/.cache/lithiumgraph``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import struct
import sys
import tempfile
import zlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterable

from .errors import LithiumGraphError

if TYPE_CHECKING:
    import networkx as nx

    from .stores.embedded import Embedded

__all__ = ["GraphCache", "cache_root", "entries", "clear", "FORMAT"]

#: Raise when what a graph file holds changes shape (the code's own hash covers every other change).
FORMAT = 1
_MAGIC = b"LGGRAPH1"
_HEADER = struct.Struct("<8sQI")  # magic, payload length, CRC-32 of the payload

Progress = Callable[[str], ContextManager]


def cache_root() -> Path:
    """Where cached graphs live: ``$LITHIUMGRAPH_CACHE``, ``$XDG_CACHE_HOME/lithiumgraph`` or
    ``~/.cache/lithiumgraph``."""
    if os.environ.get("LITHIUMGRAPH_CACHE"):
        return Path(os.environ["LITHIUMGRAPH_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "lithiumgraph"


def _code_digest() -> str:
    """A hash of this package's source: a changed rule or model makes a new key without a version bump."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for p in sorted(here.rglob("*.py")):
        h.update(str(p.relative_to(here)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _versions() -> str:
    from importlib.metadata import version  # not the modules themselves: query needs no networkx
    from . import __version__

    return f"{FORMAT} {__version__} {sys.version} networkx {version('networkx')} ladybug {version('ladybug')}"


def _nothing(label: str) -> ContextManager:
    return contextlib.nullcontext()


def _warn(message: str) -> None:
    import warnings

    warnings.warn(message, stacklevel=3)


class GraphCache:
    """The graph of some data directories, read from the cache where a valid entry exists and written to it
    after a build. ``enabled=False`` builds every time and touches no file.

    ``progress(label)`` gives a context manager around each slow step (validating, building, saving the
    engine); ``warn(message)`` is told when an entry could not be read and is being rebuilt.
    """

    def __init__(
        self,
        dirs: Iterable[str | Path] | str | Path | None = None,
        *,
        enabled: bool = True,
        root: Path | None = None,
        progress: Progress | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        from .dataset import default_data_dir

        if dirs is None:
            dirs = [default_data_dir()]
        elif isinstance(dirs, (str, Path)):
            dirs = [dirs]
        self.dirs = [Path(d) for d in dirs]
        self.enabled = enabled
        self.progress = progress or _nothing
        self.warn = warn or _warn
        self._graph: nx.MultiDiGraph | None = None
        self._key: str | None = None
        self._root = root
        self._day: tuple[date, nx.MultiDiGraph] | None = None  # the graph of a day that parts were cut from

    # where things are -------------------------------------------------------------------------------------
    @property
    def folder(self) -> Path:
        """This list of data directories' folder in the cache (a hash of their absolute paths)."""
        names = "\n".join(str(d.resolve()) for d in self.dirs)
        return (self._root or cache_root()) / hashlib.sha256(names.encode()).hexdigest()[:16]

    @property
    def key(self) -> str:
        """The hash of every data file's name and content, the code and the library versions."""
        if self._key is None:
            h = hashlib.sha256(_versions().encode() + b"\0" + _code_digest().encode())
            for i, d in enumerate(self.dirs):
                files = sorted(d.glob("*.csv")) if d.is_dir() else []
                h.update(f"\0dir {i} {len(files)}\0".encode())
                for p in files:
                    h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
            self._key = h.hexdigest()[:32]
        return self._key

    def _path(self, suffix: str) -> Path:
        return self.folder / f"{self.key}.{suffix}"

    # the graph --------------------------------------------------------------------------------------------
    def graph(self) -> nx.MultiDiGraph:
        """The validated graph with every date: from the cache, else validated, built and saved."""
        if self._graph is None:
            got = self._read(self._path("graph")) if self.enabled else None
            self._graph = got if got is not None else self._build()
        return self._graph

    def ready(self) -> None:
        """Make sure the data are valid: an entry in the cache proves it, else validate and build now (a
        DataError is raised here, before anything is answered)."""
        if not (self.enabled and self._path("graph").is_file()):
            self.graph()

    def snapshot(self, day: str | date | None = None) -> nx.MultiDiGraph:
        """The graph as known and true on ``day`` (see :func:`lithiumgraph.timeline.snapshot`); today's is
        kept in the cache, any other day is computed from the full graph."""
        from .history import parse_date
        from .timeline import snapshot

        when = parse_date(day)
        if not self.enabled or when != date.today():
            return snapshot(self._hand_over(), when, inplace=True)
        same, own = self._path(f"{when.isoformat()}.same"), self._path(f"{when.isoformat()}.graph")
        if same.is_file():
            return self.graph()
        got = self._read(own)
        if got is not None:
            return got
        G = self._hand_over()
        H = snapshot(G, when, inplace=True)
        for old in self.folder.glob(f"{self.key}.*-*-*.*"):  # snapshots of other days
            _remove(old)
        if "as_of" not in H.graph:  # nothing differed (a graph cut to a day carries the day)
            _write_atomic(same, b"")
        else:
            self._write(own, H)
        self._save_stats(H, when)
        return H

    def part(self, name: str, make: Callable[[nx.MultiDiGraph], nx.MultiDiGraph], day: str | date | None = None):
        """``make(G)`` of the graph ``G`` of ``day``: a small part of it, named ``name`` (e.g. what one park's
        analyses read), kept as ``KEY.DAY.part-HASH.graph`` (a hash of ``name``; see :meth:`_kept`)."""
        return self._kept(
            day, f"part-{hashlib.sha256(name.encode()).hexdigest()[:24]}.graph", "part of the graph", make
        )

    def _kept(self, day: str | date | None, suffix: str, what: str, make: Callable[[nx.MultiDiGraph], Any]):
        """``make(G)`` of the graph ``G`` of ``day``. Today's is kept beside today's snapshot (``KEY.DAY.suffix``),
        so a command asking for it again reads that file alone; another day's, or with the cache off, is made
        and not kept. The day's graph, once read or cut, serves this object's later ones."""
        from .history import parse_date

        when = parse_date(day)
        keep = self.enabled and when == date.today()
        path = self._path(f"{when.isoformat()}.{suffix}")
        got = self._read(path, what=what) if keep else None
        if got is None:
            if self._day is None or self._day[0] != when:
                self._day = (when, self.snapshot(when))
            got = make(self._day[1])
            if keep:
                self._write(path, got)
        return got

    def _hand_over(self) -> nx.MultiDiGraph:
        """The validated graph, given up to be cut to a day in place (cheaper than copying what holds): a
        later :meth:`graph` reads it back from the cache, or builds it again."""
        G, self._graph = self.graph(), None
        return G

    def stats(self, day: str | date | None = None):
        """The figures of ``stats`` (:func:`lithiumgraph.summary.stats`) on the graph of ``day``: today's are
        kept in the cache beside today's snapshot, any other day's are counted on its snapshot."""
        from .history import parse_date
        from .summary import stats

        when = parse_date(day)
        if not self.enabled or when != date.today():
            return stats(self.snapshot(when))
        path = self._path(f"{when.isoformat()}.stats")
        got = self._read(path, what="figures")
        if got is None:
            H = self.snapshot(when)  # a snapshot made now saves its figures with it
            got = self._read(path, what="figures")
            got = got if got is not None else self._save_stats(H, when)
        return got

    def names(self, day: str | date | None = None):
        """The names ``search`` looks through (:class:`lithiumgraph.names.NameTable`) on the graph of ``day``,
        kept as ``KEY.DAY.names`` (see :meth:`_kept`), so ``search`` reads a few MiB instead of the graph."""
        from .names import name_table

        return self._kept(day, "names", "names", name_table)

    def _save_stats(self, H: nx.MultiDiGraph, when: date):
        from .summary import stats

        s = stats(H)
        self._write(self._path(f"{when.isoformat()}.stats"), s)
        return s

    def _build(self) -> nx.MultiDiGraph:
        from .dataset import load
        from .graph import build_graph

        shown = ", ".join(str(d) for d in self.dirs)
        with self.progress(f"validating {shown}"):
            ds = load(self.dirs)
        with self.progress("building the graph"):
            G = build_graph(ds)
        del ds
        if self.enabled:
            with self.progress("saving the graph to the cache"):
                self._write(self._path("graph"), G)
                self._prune()
        return G

    def _read(self, path: Path, what: str = "graph"):
        """A graph file's graph (or ``what`` else it holds), or None when there is none; a damaged one is
        removed with a warning."""
        import gc
        import pickle

        try:
            with open(path, "rb") as f:
                blob = f.read()
        except FileNotFoundError:
            return None
        except OSError as e:
            self.warn(f"could not read the cached {what} {path} ({e.strerror}); rebuilding it")
            return None
        problem = _check(blob)
        if problem is None:
            paused = gc.isenabled()
            gc.disable()  # millions of small dicts: the collector would rescan them over and over
            try:
                G = pickle.loads(memoryview(blob)[_HEADER.size :])
                gc.freeze()  # straight into the oldest generation: no young collection walks the graph
                gc.unfreeze()
                return G
            except (LithiumGraphError, MemoryError):  # a timeout or no memory: not the file's fault
                raise
            except Exception as e:  # a checksum that matches damaged content is all but impossible
                problem = f"{type(e).__name__}"
            finally:
                if paused:
                    gc.enable()
        self.warn(f"the cached {what} {path} is damaged ({problem}); rebuilding it")
        _remove(path)
        return None

    def _write(self, path: Path, G) -> None:
        import pickle

        payload = pickle.dumps(G, protocol=5)
        _write_atomic(path, _HEADER.pack(_MAGIC, len(payload), zlib.crc32(payload)) + payload)

    def _prune(self) -> None:
        """Remove other keys' entries (the data or the code changed since they were written)."""
        for p in self.folder.iterdir():
            if not p.name.startswith((self.key, ".")):
                _remove(p)

    # the Cypher engine ------------------------------------------------------------------------------------
    def engine(self) -> Embedded:
        """The embedded Cypher engine holding the full graph: the database on disk, else built from the graph
        (and saved, when the cache is on). The file is named by its CRC-32, checked before it is opened."""
        from .stores.embedded import Embedded, embedded

        if not self.enabled:
            return embedded(self.graph())
        for path in sorted(self.folder.glob(f"{self.key}.*.lbdb")):
            problem = _file_problem(path)
            if problem is None:
                try:
                    return Embedded.open(path)
                except (LithiumGraphError, MemoryError):
                    raise
                except Exception as e:  # the engine's own checks found the file damaged
                    problem = _first_line(e)
            self.warn(f"the cached Cypher database {path} is damaged ({problem}); rebuilding it")
            _remove(path)
        G = self.graph()
        with self.progress("loading the graph into the Cypher engine"):
            _mkdir(self.folder)
            tmp = Path(tempfile.mkdtemp(dir=self.folder, prefix=".tmp-"))
            try:
                Embedded(G, path=tmp / "db").close()
                os.chmod(tmp / "db", 0o600)  # like the graph files: the folder and what it holds are the owner's
                path = self._path(f"{_file_crc(tmp / 'db'):08x}.lbdb")
                os.replace(tmp / "db", path)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        return Embedded.open(path)


def _file_crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            crc = zlib.crc32(chunk, crc)
    return crc


def _file_problem(path: Path) -> str | None:
    """What is wrong with an engine file: its CRC-32 is not the one in its name."""
    try:
        return None if f"{_file_crc(path):08x}" == path.name.split(".")[1] else "checksum mismatch"
    except OSError as e:
        return e.strerror or "unreadable"


def _check(blob: bytes) -> str | None:
    """What is wrong with a graph file's bytes, or None."""
    if len(blob) < _HEADER.size:
        return "cut off"
    magic, length, crc = _HEADER.unpack_from(blob)
    if magic != _MAGIC:
        return "not a lithiumgraph graph file"
    if len(blob) - _HEADER.size != length:
        return "cut off" if len(blob) - _HEADER.size < length else "longer than written"
    if zlib.crc32(memoryview(blob)[_HEADER.size :]) != crc:
        return "checksum mismatch"
    return None


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]


def _write_atomic(path: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, then rename: readers see the old file or the new one."""
    _mkdir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _remove(Path(tmp))
        raise


def _mkdir(folder: Path) -> None:
    """Create a cache folder (and the cache itself) readable and writable by its owner only: it holds pickles."""
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)


def _remove(p: Path) -> None:
    with contextlib.suppress(OSError):
        shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def _folders(root: Path) -> list[Path]:
    """The cache's own folders (16 hex digits): a cache location shared with other files loses only these."""
    return (
        sorted(
            p
            for p in root.iterdir()
            if p.is_dir() and len(p.name) == 16 and all(c in "0123456789abcdef" for c in p.name)
        )
        if root.is_dir()
        else []
    )


def entries(root: Path | None = None) -> list[dict]:
    """What the cache holds: one row per file (folder, file, MiB)."""
    rows = []
    for folder in _folders(root or cache_root()):
        for p in sorted(folder.iterdir()):
            if not p.name.startswith("."):
                rows.append({"folder": folder.name, "file": p.name, "mib": round(p.stat().st_size / 2**20, 1)})
    return rows


def clear(root: Path | None = None) -> int:
    """Remove every cached graph and engine database; returns the number of files removed."""
    root = root or cache_root()
    n = len(entries(root))
    for folder in _folders(root):
        _remove(folder)
    return n
