"""The ``lithiumgraph`` command line: thin click commands over the library, one module per kind of
command. Library modules are imported inside commands so that ``lithiumgraph --help`` stays fast."""

from __future__ import annotations

from . import analyse, cache, graphs, imports, lookup  # noqa: F401  (each adds its commands to the group)
from .base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Run the command line, then leave without tearing the interpreter down: a command that read a graph of
    a million relationships would otherwise spend a second or more freeing its objects one by one at exit (and
    it keeps what it read from the garbage collector, see ``base.ONE_SHOT``).

    Output is flushed and exit handlers run first. Python's own exit takes over whenever the quick one could
    lose something: a message for an exit status, another thread still running, output that cannot be
    flushed (a closed pipe), or a profiler or tracer (cProfile, coverage) that writes what it measured after
    the command returns.
    """
    import atexit
    import os
    import sys
    import threading

    from . import base

    base.ONE_SHOT = True
    try:
        cli.main()
        code: object = 0
    except SystemExit as e:
        code = e.code or 0
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if not isinstance(code, int) or threading.active_count() > 1 or watched:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    atexit._run_exitfuncs()
    os._exit(code)
