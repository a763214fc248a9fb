"""What every command shares: the group, the options written once, the graph source, output and the
mapping of library errors to one-line click errors."""

from __future__ import annotations

import functools
import sys

import click

FORMATS = ("table", "json", "csv")

#: Set by :func:`lithiumgraph.cli.main`: this process runs one command and ends, so what it reads may be kept
#: from the garbage collector for good (a program calling the commands in-process keeps its memory collectable).
ONE_SHOT = False


class DataProblems(click.ClickException):
    """Bad input: one ``FILE:LINE: FIELD: message`` line per problem, then a summary; exit 1."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data; nothing was loaded")

    def show(self, file=None):
        file = file or sys.stderr
        for p in self.problems:
            echo(str(p), file=file)
        echo(f"Error: {self.message}", file=file)


class Number(click.ParamType):
    """A finite number within bounds; anything else (``nan``, ``inf``, ``1e-9`` seconds) is refused in one
    line naming the option, exit 1."""

    name = "number"

    def __init__(self, kind=float, lo=None, hi=None, what="a number"):
        self.kind, self.lo, self.hi, self.what = kind, lo, hi, what

    def convert(self, value, param, ctx):
        import math

        opt = param.opts[0] if param else "value"
        try:
            v = value if isinstance(value, self.kind) else self.kind(str(value).strip())
        except ValueError:
            v = math.nan
        if not (math.isfinite(v) and self.lo <= v <= self.hi):
            raise click.ClickException(f"{opt}: {value!r} is not {self.what} from {self.lo:,} to {self.hi:,}")
        return v


#: The library names its parameters; at the command line the same things are flags.
FLAGS = (
    ("unless write=True", "unless --write is given"),
    ("hops must be at least", "--hops must be at least"),
    ("query parameter '", "--param '"),
    ("or pass force=True", "or pass --force"),
    ("the neo4j store needs a uri", "--store neo4j needs --neo4j-uri or NEO4J_URI"),
    ("run the query on the neo4j store", "run the query with --store neo4j"),
    ("push and write on the neo4j store", "push and write with --store neo4j"),
    (
        "narrow with park or focus, use level='segment', or raise max_nodes",
        "narrow with --park or --focus, use --level segment, or raise --max-nodes",
    ),
)


def as_flags(message: str) -> str:
    """A library message with its parameters named as the command line's flags."""
    for param, flag in FLAGS:
        message = message.replace(param, flag)
    return message


def errors_to_click(fn):
    """Turn library errors into one-line click errors (exit 1, no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..errors import DataError, LithiumGraphError
        from ..output import printable, redact

        try:
            return fn(*args, **kwargs)
        except DataError as e:
            raise DataProblems(e.problems) from None
        except LithiumGraphError as e:
            raise click.ClickException(printable(redact(as_flags(str(e))))) from None
        except MemoryError:
            raise click.ClickException(
                "out of memory: ask for less (a smaller --park, fewer --hops, a LIMIT in the query)"
            ) from None
        except OSError as e:  # a path that cannot be read or written: say which and why, in one line
            where = f"{e.filename}: " if e.filename else ""
            raise click.ClickException(printable(redact(f"{where}{e.strerror or e}"))) from None

    return wrapper


def neo4j_options(fn):
    """Where the Neo4j server is; each option falls back to its NEO4J_* environment variable."""
    fn = click.option(
        "--database", envvar="NEO4J_DATABASE", default=None, help="Neo4j database (default: the server's)."
    )(fn)
    fn = click.option(
        "--neo4j-password", envvar="NEO4J_PASSWORD", default="", show_envvar=True, help="Neo4j password."
    )(fn)
    fn = click.option("--neo4j-user", envvar="NEO4J_USERNAME", default="neo4j", show_envvar=True, help="Neo4j user.")(
        fn
    )
    return click.option(
        "--neo4j-uri",
        envvar="NEO4J_URI",
        show_envvar=True,
        help="Neo4j URI, e.g. bolt://127.0.0.1:7687 or neo4j+s://xxxx.databases.neo4j.io",
    )(fn)


class GraphSource:
    """Where a command reads the graph: graph_data/ directories in memory, or a Neo4j server."""

    def __init__(self, store, data_dirs, uri, user, password, database, as_of=None, cache=True):
        self.store, self.data_dirs, self.as_of, self.cache = store, data_dirs, as_of, cache
        self.uri, self.user, self.password, self.database = uri, user, password, database

    def _use(self, fn):
        from ..stores import open_store

        extra = {"cache": self.cache, "progress": progress_line, "warn": warn} if self.store == "memory" else {}
        st = open_store(
            self.store,
            data_dirs=self.data_dirs or None,
            uri=self.uri,
            user=self.user,
            password=self.password,
            database=self.database,
            **extra,
        )
        try:
            got = fn(st)
        finally:
            st.close()
        if ONE_SHOT:
            # The process reads one graph and ends. Out of the collector's sight, its millions of objects are not
            # scanned again by a full collection (most of a second at a million relationships) while the command
            # works; they are never freed at all, as the process leaves without it (see cli.main).
            import gc

            gc.freeze()
        return got

    def graph(self):
        """The graph as known and true on --as-of (default today); nodes a Neo4j store left out are noted."""
        return self._use(self._read)

    def stats(self):
        """The figures of ``stats`` on --as-of: the memory store keeps today's in the cache."""
        from ..summary import stats

        return self._use(lambda st: st.stats(self.as_of) if hasattr(st, "stats") else stats(self._read(st)))

    def _read(self, st):
        from ..timeline import snapshot

        if hasattr(st, "snapshot"):  # the memory store keeps today's snapshot in the cache
            return st.snapshot(self.as_of)
        G = st.graph()
        if left := G.graph.get("left_out"):
            echo(
                f"note: left out {left['nodes']} nodes and {left['relationships']} relationships at "
                f"{self.uri} that lithiumgraph did not write (unknown kinds, missing or repeated ids)",
                err=True,
            )
        return snapshot(G, self.as_of)

    def park_graph(self, park, targets=None, *, supplies=False):
        """The part of the graph of --as-of that a park's analyses read, and the park's id: a server sends only
        that part, the memory store keeps today's in the cache. ``targets(G, park_id)`` names the segments
        whose candidates are scored nationally (recommend), read in a second step; ``supplies`` asks for the
        supply relations of the park's groups (risk)."""

        def read(st):
            G = st.park_graph(park, supplies=supplies, as_of=self.as_of)
            pid = _park(G, park)
            if targets is not None:
                G = st.park_graph(pid, segments=targets(G, pid), as_of=self.as_of)
            return G, pid

        return self._use(read)

    def history(self):
        """The stored graph with every date in it (for what changed between two dates)."""
        return self._use(lambda st: st.graph())

    def query(self, cypher, params, *, write=False, timeout=None):
        """Cypher on the stored graph (every date); with --as-of, on that day's graph in the embedded engine."""
        if self.as_of is None:
            return self._use(lambda st: st.query(cypher, params, write=write, timeout=timeout))
        from ..cypher import check
        from ..stores.embedded import embedded

        check(cypher, write=write)
        if write:
            raise click.UsageError("--as-of reads the graph of a day; it does not go with --write")
        return embedded(self.graph()).run(cypher, params, timeout=timeout)


def data_option(fn):
    """--data and --store with the Neo4j options, handed to the command as one ``src``."""

    @functools.wraps(fn)
    def wrapper(*args, data_dirs, store, neo4j_uri, neo4j_user, neo4j_password, database, as_of, no_cache, **kwargs):
        if store == "neo4j" and data_dirs:
            raise click.UsageError("--data reads files into the memory store; it does not go with --store neo4j")
        if as_of is not None:
            from ..history import parse_date
            from ..errors import LithiumGraphError

            try:
                parse_date(as_of)
            except LithiumGraphError:
                raise click.BadParameter(f"{as_of!r}: use YYYY, YYYY-MM or YYYY-MM-DD", param_hint="--as-of") from None
        src = GraphSource(store, data_dirs, neo4j_uri, neo4j_user, neo4j_password, database, as_of, not no_cache)
        return fn(*args, src=src, **kwargs)

    wrapper = cache_option(wrapper)
    wrapper = click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help="Answer from the graph as known and true on DATE (YYYY, YYYY-MM or YYYY-MM-DD; "
        "a period means its end; default today).",
    )(wrapper)
    wrapper = neo4j_options(wrapper)
    wrapper = click.option(
        "--store",
        type=click.Choice(["memory", "neo4j"]),
        default="memory",
        show_default=True,
        help="Read from graph_data/ in memory, or from a Neo4j server.",
    )(wrapper)
    return click.option(
        "--data",
        "data_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="graph_data directory; repeat to layer several (default: the shipped graph_data/).",
    )(wrapper)


def cache_option(fn):
    """--no-cache: validate and build from the files, reading and writing no cached graph."""
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Validate and build the graph from the files, without the cache (see 'lithiumgraph cache info').",
    )(fn)


def progress_line(label: str):
    """One line on stderr for a slow step, on a terminal only and only once it has run a second: the label,
    then the seconds it took (``validating graph_data… 21.3 s``)."""
    return _ProgressLine(label, click.get_text_stream("stderr"))


class _ProgressLine:
    """The context manager :func:`progress_line` returns; a timer thread shows the label after ``delay``."""

    def __init__(self, label: str, stream, delay: float = 1.0):
        import threading

        self.label, self.stream, self.delay = label, stream, delay
        self.lock, self.shown, self.done = threading.Lock(), False, False
        self.timer = threading.Timer(delay, self._show)
        self.timer.daemon = True

    def _show(self) -> None:
        with self.lock:
            if not self.done:
                from ..output import printable

                self.stream.write(f"{printable(self.label)}…")
                self.stream.flush()
                self.shown = True

    def __enter__(self):
        import time

        self.start = time.perf_counter()
        if self.stream.isatty():
            self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        import time

        self.timer.cancel()
        with self.lock:
            self.done = True
            if self.shown:
                self.stream.write(f" {time.perf_counter() - self.start:.1f} s\n")
                self.stream.flush()


def warn(message: str) -> None:
    """A warning on stderr, one line."""
    echo(f"warning: {message}", err=True)


def format_option(fn):
    fn = click.option(
        "--raw-cells",
        is_flag=True,
        expose_value=False,
        callback=lambda ctx, _, v: ctx.meta.__setitem__("raw_cells", v),
        help="CSV cells as they are: no leading ' before = + - @ (for programs, not spreadsheets).",
    )(fn)
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    )(fn)


def _graph(src):
    return src.graph()


def _echo(rows, fmt, columns=None, data=None, **kw):
    from ..output import render

    raw = click.get_current_context().meta.get("raw_cells", False)
    click.echo(render(rows, fmt, columns, data=data, raw=raw, **kw))


def _show(result, fmt, **view):
    """Any analysis result in the chosen format (see :func:`lithiumgraph.output.show`)."""
    from ..output import show

    click.echo(show(result, fmt, raw=click.get_current_context().meta.get("raw_cells", False), **view))


def echo(text: str = "", **kw) -> None:
    """click.echo with control characters shown escaped: names from data cannot drive the terminal."""
    from ..output import printable, redact

    click.echo(printable(redact(str(text))), **kw)


@click.group()
@click.version_option(package_name="lithiumgraph")
def cli():
    """A sourced knowledge graph of the lithium-battery industry chain (锂电产业链).

    Example: lithiumgraph show 宁德时代
    """


def park_options(fn):
    """--park and the gap rules that every park analysis shares."""
    fn = click.option(
        "--operating-only",
        is_flag=True,
        hidden=True,
        help="Count operating sites only: now the default, kept for old scripts.",
    )(fn)
    fn = click.option(
        "--include-pipeline",
        is_flag=True,
        help="Show capacity being built (construction, trial) in its own column; it is never "
        "added to operating capacity. Planned, signed and land never count.",
    )(fn)
    fn = click.option(
        "--min-coverage",
        type=Number(float, 0, 1000),
        default=1.0,
        show_default=True,
        help="A present segment is weak when local capacity < this x the low end of local demand.",
    )(fn)
    fn = click.option(
        "--strong-firms",
        type=click.IntRange(1),
        default=3,
        show_default=True,
        help="Local firms that make a segment strong without a leading firm.",
    )(fn)
    return click.option("--park", required=True, help="Park or region: id or name (e.g. yichun-etdz, 宜春经开区).")(fn)


def _park(G, park):
    from ..names import resolve

    return resolve(G, park, kinds=("Park",), what="park")


def _rules(strong_firms, min_coverage, include_pipeline):
    from ..analysis import GapRules

    return GapRules(strong_firms=strong_firms, min_coverage=min_coverage, include_pipeline=include_pipeline)
