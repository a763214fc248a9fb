"""One push at a time on a shared Neo4j server, and reads told when a push is under way.

A push first creates the node ``(:LGLock {id: 'push'})`` under a uniqueness constraint, so a second
push (from any machine) fails to create it and stops with one line; the node says who holds it and
since when. The lock goes when the push ends, however it ends, if the server is still there. A lock
left by a push that died with its process on this machine (or by an earlier push of this process) is
taken over; any other is reported with the way to clear it. Reads look for the node first: a graph a
push is still writing is half-written, and they say so instead of answering from it.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import socket
import threading

from ..errors import LithiumGraphError

__all__ = ["hold", "check_idle", "LOCK"]

LOCK = "MATCH (l:LGLock {id: 'push'}) RETURN l.host AS host, l.pid AS pid, l.started AS started"
_ACTIVE: set[int] = set()  # pushes running in this process (by thread id)
_MUTEX = threading.Lock()


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except OSError:
        return True
    return True


def _stale(held) -> bool:
    """A lock of this machine whose process is gone, or of this process when it runs no push now."""
    if held["host"] != socket.gethostname():
        return False
    if held["pid"] == os.getpid():
        return not _ACTIVE
    return not _alive(held["pid"])


def _who(held) -> str:
    return f"since {held['started']} from {held['host']}, process {held['pid']}"


@contextlib.contextmanager
def hold(driver, database, uri: str):
    """Hold the push lock for the block, or raise LithiumGraphError naming who holds it."""
    from neo4j.exceptions import ConstraintError

    me = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    with driver.session(database=database) as s:
        s.run("CREATE CONSTRAINT lg_lock IF NOT EXISTS FOR (l:LGLock) REQUIRE l.id IS UNIQUE").consume()
        with _MUTEX:
            held = s.run(LOCK).single()
            if held and _stale(held):
                s.run(
                    "MATCH (l:LGLock {id: 'push'}) WHERE l.host = $host AND l.pid = $pid DELETE l",
                    host=held["host"],
                    pid=held["pid"],
                ).consume()
            try:
                s.run("CREATE (:LGLock {id: 'push', host: $host, pid: $pid, started: $started})", **me).consume()
            except ConstraintError:
                held = s.run(LOCK).single() or {"started": "?", "host": "?", "pid": "?"}
                raise LithiumGraphError(
                    f"another push to {uri} is running ({_who(held)}); wait for it to end. If none is, clear the "
                    'lock: lithiumgraph query --store neo4j --write "MATCH (l:LGLock) DELETE l"'
                ) from None
            _ACTIVE.add(threading.get_ident())
    try:
        yield
    finally:
        _ACTIVE.discard(threading.get_ident())
        try:
            driver.execute_query(
                "MATCH (l:LGLock {id: 'push'}) WHERE l.host = $host AND l.pid = $pid DELETE l",
                host=me["host"],
                pid=me["pid"],
                database_=database,
            )
        except Exception:  # the server may be gone: the next push takes the lock over
            pass


def check_idle(records, uri: str) -> None:
    """Refuse to read while a push is writing (``records``: the answer to :data:`LOCK`)."""
    if records:
        raise LithiumGraphError(
            f"a push to {uri} is running or was cut off ({_who(records[0])}): the graph "
            "there is half-written; read again when it has ended, or run the push again"
        )
