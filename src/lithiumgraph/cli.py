"""The ``lithiumgraph`` command line: thin click commands over the library.

Library modules are imported inside commands so that ``lithiumgraph --help`` stays fast.
"""
from __future__ import annotations

import contextlib
import functools
import sys

import click

FORMATS = ("table", "json", "csv")


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
FLAGS = (("unless write=True", "unless --write is given"), ("hops must be at least", "--hops must be at least"),
         ("query parameter '", "--param '"), ("or pass force=True", "or pass --force"),
         ("the neo4j store needs a uri", "--store neo4j needs --neo4j-uri or NEO4J_URI"),
         ("run the query on the neo4j store", "run the query with --store neo4j"),
         ("push and write on the neo4j store", "push and write with --store neo4j"),
         ("narrow with park or focus, use level='segment', or raise max_nodes",
          "narrow with --park or --focus, use --level segment, or raise --max-nodes"))


def as_flags(message: str) -> str:
    """A library message with its parameters named as the command line's flags."""
    for param, flag in FLAGS:
        message = message.replace(param, flag)
    return message


def errors_to_click(fn):
    """Turn library errors into one-line click errors (exit 1, no traceback)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import DataError, LithiumGraphError
        from .output import printable, redact
        try:
            return fn(*args, **kwargs)
        except DataError as e:
            raise DataProblems(e.problems) from None
        except LithiumGraphError as e:
            raise click.ClickException(printable(redact(as_flags(str(e))))) from None
        except MemoryError:
            raise click.ClickException("out of memory: ask for less (a smaller --park, fewer --hops, "
                                       "a LIMIT in the query)") from None
        except OSError as e:  # a path that cannot be read or written: say which and why, in one line
            where = f"{e.filename}: " if e.filename else ""
            raise click.ClickException(printable(redact(f"{where}{e.strerror or e}"))) from None
    return wrapper


def neo4j_options(fn):
    """Where the Neo4j server is; each option falls back to its NEO4J_* environment variable."""
    fn = click.option("--database", envvar="NEO4J_DATABASE", default=None, help="Neo4j database (default: the server's).")(fn)
    fn = click.option("--neo4j-password", envvar="NEO4J_PASSWORD", default="", show_envvar=True,
                      help="Neo4j password.")(fn)
    fn = click.option("--neo4j-user", envvar="NEO4J_USERNAME", default="neo4j", show_envvar=True,
                      help="Neo4j user.")(fn)
    return click.option("--neo4j-uri", envvar="NEO4J_URI", show_envvar=True,
                        help="Neo4j URI, e.g. bolt://127.0.0.1:7687 or neo4j+s://xxxx.databases.neo4j.io")(fn)


class GraphSource:
    """Where a command reads the graph: graph_data/ directories in memory, or a Neo4j server."""

    def __init__(self, store, data_dirs, uri, user, password, database, as_of=None):
        self.store, self.data_dirs, self.as_of = store, data_dirs, as_of
        self.uri, self.user, self.password, self.database = uri, user, password, database

    def _use(self, fn):
        from .stores import open_store
        st = open_store(self.store, data_dirs=self.data_dirs or None, uri=self.uri, user=self.user,
                        password=self.password, database=self.database)
        try:
            return fn(st)
        finally:
            st.close()

    def graph(self):
        """The graph as known and true on --as-of (default today); nodes a Neo4j store left out are noted."""
        from .timeline import snapshot

        def read(st):
            G = st.graph()
            if left := G.graph.get("left_out"):
                echo(f"note: left out {left['nodes']} nodes and {left['relationships']} relationships at "
                     f"{self.uri} that lithiumgraph did not write (unknown kinds, missing or repeated ids)", err=True)
            return snapshot(G, self.as_of)
        return self._use(read)

    def history(self):
        """The stored graph with every date in it (for what changed between two dates)."""
        return self._use(lambda st: st.graph())

    def query(self, cypher, params, *, write=False, timeout=None):
        """Cypher on the stored graph (every date); with --as-of, on that day's graph in the embedded engine."""
        if self.as_of is None:
            return self._use(lambda st: st.query(cypher, params, write=write, timeout=timeout))
        from .cypher import check
        from .stores.embedded import embedded
        check(cypher, write=write)
        if write:
            raise click.UsageError("--as-of reads the graph of a day; it does not go with --write")
        return embedded(self.graph()).run(cypher, params, timeout=timeout)


def data_option(fn):
    """--data and --store with the Neo4j options, handed to the command as one ``src``."""
    @functools.wraps(fn)
    def wrapper(*args, data_dirs, store, neo4j_uri, neo4j_user, neo4j_password, database, as_of, **kwargs):
        if store == "neo4j" and data_dirs:
            raise click.UsageError("--data reads files into the memory store; it does not go with --store neo4j")
        if as_of is not None:
            from .history import parse_date
            from .errors import LithiumGraphError
            try:
                parse_date(as_of)
            except LithiumGraphError:
                raise click.BadParameter(f"{as_of!r}: use YYYY, YYYY-MM or YYYY-MM-DD", param_hint="--as-of") from None
        src = GraphSource(store, data_dirs, neo4j_uri, neo4j_user, neo4j_password, database, as_of)
        return fn(*args, src=src, **kwargs)
    wrapper = click.option("--as-of", "as_of", metavar="DATE",
                           help="Answer from the graph as known and true on DATE (YYYY, YYYY-MM or YYYY-MM-DD; "
                                "a period means its end; default today).")(wrapper)
    wrapper = neo4j_options(wrapper)
    wrapper = click.option("--store", type=click.Choice(["memory", "neo4j"]), default="memory", show_default=True,
                           help="Read from graph_data/ in memory, or from a Neo4j server.")(wrapper)
    return click.option(
        "--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
        help="graph_data directory; repeat to layer several (default: the shipped graph_data/).")(wrapper)


def format_option(fn):
    fn = click.option("--raw-cells", is_flag=True, expose_value=False,
                      callback=lambda ctx, _, v: ctx.meta.__setitem__("raw_cells", v),
                      help="CSV cells as they are: no leading ' before = + - @ (for programs, not spreadsheets).")(fn)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
                        show_default=True, help="Output format.")(fn)


def _graph(src):
    return src.graph()


def _echo(rows, fmt, columns=None, data=None, **kw):
    from .output import render
    raw = click.get_current_context().meta.get("raw_cells", False)
    click.echo(render(rows, fmt, columns, data=data, raw=raw, **kw))


def _show(result, fmt, **view):
    """Any analysis result in the chosen format (see :func:`lithiumgraph.output.show`)."""
    from .output import show
    click.echo(show(result, fmt, raw=click.get_current_context().meta.get("raw_cells", False), **view))


def echo(text: str = "", **kw) -> None:
    """click.echo with control characters shown escaped: names from data cannot drive the terminal."""
    from .output import printable, redact
    click.echo(printable(redact(str(text))), **kw)


@click.group()
@click.version_option(package_name="lithiumgraph")
def cli():
    """A sourced knowledge graph of the lithium-battery industry chain (锂电产业链).

    Example: lithiumgraph show 宁德时代
    """


@cli.command()
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
              help="graph_data directory; repeat to layer several (default: the shipped graph_data/).")
@errors_to_click
def validate(data_dirs):
    """Check graph_data/ and report every problem as FILE:LINE: FIELD: message.

    Example: lithiumgraph validate --data graph_data
    """
    from .dataset import load
    ds = load(list(data_dirs) or None)
    total = sum(len(rows) for rows in ds.rows.values())
    parts = ", ".join(f"{len(rows)} {cls.__name__.lower()}" for cls, rows in ds.rows.items() if rows)
    echo(f"OK: {total} records valid ({parts})")


@cli.command()
@data_option
@format_option
@errors_to_click
def stats(src, fmt):
    """Count nodes and edges by kind and the share of facts that cite a known source.

    Example: lithiumgraph stats
    """
    from .summary import stats as _stats
    s = _stats(_graph(src))
    _echo(s.rows(), fmt, data={"nodes": s.nodes, "edges": s.edges, "confidence": s.confidence,
                                "facts": s.facts, "sourced": s.sourced, "sourced_share": s.sourced_share,
                                "unsourced": s.unsourced})


@cli.command()
@click.argument("name")
@data_option
@format_option
@errors_to_click
def show(name, src, fmt):
    """Show an entity by zh name, en name, alias, listed code or id: its attributes, projects,
    figures, neighbours by edge kind and sources.

    Example: lithiumgraph show 赣锋锂业
    """
    from .names import resolve
    from .summary import describe
    G = _graph(src)
    e = describe(G, resolve(G, name))
    rows = [{"edge": n.edge, "direction": n.direction, "id": n.id, "name": n.name,
             "detail": _detail(n.props), "confidence": n.props.get("confidence"),
             "sources": n.props.get("sources")} for n in e.neighbours]
    if fmt != "table":
        return _echo(rows, fmt, data=e.to_dict())
    echo(f"{e.name}  [{e.id}, {e.kind}]")
    for k, v in e.attrs.items():
        echo(f"  {k}: {' | '.join(v) if isinstance(v, (list, tuple)) else v}")
    for title, section, cols in (
            ("projects", e.projects, ["id", "name", "run_by", "park", "segment", "capacity", "unit",
                                      "investment_yuan", "status", "start", "confidence", "sources"]),
            ("figures", e.figures, ["subject", "metric", "value", "unit", "confidence", "sources", "note"]),
            ("neighbours", rows, None),
            ("sources", e.sources, ["id", "title", "publisher", "date", "address"])):
        if section:
            echo(f"\n{title}:")
            _echo(section, "table", cols, max_width=48)


def _detail(props: dict) -> str:
    """The few edge properties that say what a link is (product, capacity, share, role)."""
    from .output import format_value
    parts = []
    for k in ("product", "role", "capacity", "unit", "share_pct", "status", "period", "note"):
        v = props.get(k)
        if v is not None:
            parts.append(f"{v:g}%" if k == "share_pct" else format_value(v))
    return "; ".join(parts)


@cli.command()
@click.argument("text")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--kind", "kinds", multiple=True, type=click.Choice(
    ["Enterprise", "Segment", "Park", "Project", "Product", "Industry"], case_sensitive=False),
    help="Only nodes of this kind (repeat for several).")
@data_option
@format_option
@errors_to_click
def search(text, limit, kinds, src, fmt):
    """Fuzzy search over names, aliases, listed codes and ids.

    Example: lithiumgraph search 国轩
    """
    from dataclasses import asdict
    from .names import NAMED_KINDS, search as _search
    kinds = tuple(k for k in NAMED_KINDS if k.lower() in {x.lower() for x in kinds}) or NAMED_KINDS
    hits = [asdict(m) for m in _search(_graph(src), text, limit=limit, kinds=kinds)]
    if not hits and fmt == "table":
        raise click.ClickException(f"nothing matches {text!r}")
    _echo(hits, fmt, ["id", "kind", "name", "matched", "score"])


@cli.command()
@click.option("--within", help="Only the parks inside this region (id or name).")
@data_option
@format_option
@errors_to_click
def parks(within, src, fmt):
    """Parks and regions with how many firms and projects are sited in each (its sub-parks included).

    Example: lithiumgraph parks --within 宜春市
    """
    from .analysis.scope import park_table
    G = _graph(src)
    _echo([p.row() for p in park_table(G, within=_park(G, within) if within else None)], fmt,
          ["park", "name", "level", "parent", "firms", "projects"])


def park_options(fn):
    """--park and the gap rules that every park analysis shares."""
    fn = click.option("--operating-only", is_flag=True,
                      help="Count operating sites only (default: also those under construction); planned, "
                           "signed and uncertain sites are pipeline either way.")(fn)
    fn = click.option("--min-coverage", type=Number(float, 0, 1000), default=1.0, show_default=True,
                      help="A present segment is weak when local capacity < this x the low end of local demand.")(fn)
    fn = click.option("--strong-firms", type=click.IntRange(1), default=3, show_default=True,
                      help="Local firms that make a segment strong without a leading firm.")(fn)
    return click.option("--park", required=True, help="Park or region: id or name (e.g. yichun-etdz, 宜春经开区).")(fn)


def _park(G, park):
    from .names import resolve
    return resolve(G, park, kinds=("Park",), what="park")


def _rules(strong_firms, min_coverage, operating_only):
    from .analysis import GapRules
    return GapRules(strong_firms=strong_firms, min_coverage=min_coverage, pipeline=not operating_only)


@cli.command()
@park_options
@click.option("--by", type=click.Choice(["stage", "group"]), default="stage", show_default=True,
              help="Group the table by chain stage or by 三电一车 (battery, motor, control, vehicle).")
@data_option
@format_option
@errors_to_click
def gaps(park, strong_firms, min_coverage, operating_only, by, src, fmt):
    """Coverage of every chain segment for a park: local firms, capacity, and missing / weak / strong
    with the reason and the action (补链, 强链, 延链).

    Example: lithiumgraph gaps --park yichun-etdz
    """
    from .analysis import gaps as _gaps
    G = _graph(src)
    _show(_gaps(G, _park(G, park), rules=_rules(strong_firms, min_coverage, operating_only)), fmt, by=by)


@cli.command()
@park_options
@data_option
@format_option
@errors_to_click
def balance(park, strong_firms, min_coverage, operating_only, src, fmt):
    """Material demand implied by a park's cell capacity against local supply: shortfall or surplus
    per material as a low-high range, with the facts behind each number.

    Example: lithiumgraph balance --park yichun-etdz
    """
    from .analysis import balance as _balance
    G = _graph(src)
    _show(_balance(G, _park(G, park), pipeline=not operating_only), fmt)


@cli.command()
@park_options
@click.option("--segment", help="Only this segment (id or name).")
@click.option("--top", type=click.IntRange(1), default=5, show_default=True, help="Candidates per segment.")
@data_option
@format_option
@errors_to_click
def recommend(park, strong_firms, min_coverage, operating_only, segment, top, src, fmt):
    """Outside enterprises that could fill each missing or weak segment, ranked; every score is
    broken into named parts with the evidence and sources behind them.

    Example: lithiumgraph recommend --park yichun-etdz --segment electrolyte
    """
    from .analysis import recommend as _recommend
    from .names import resolve
    G = _graph(src)
    seg = resolve(G, segment, kinds=("Segment",), what="segment") if segment else None
    targets = _recommend(G, _park(G, park), segment=seg, top=top,
                         rules=_rules(strong_firms, min_coverage, operating_only))
    if seg and not targets:
        raise click.ClickException(f"segment {seg!r} is not a gap of this park (it is strong, or a resource)")
    _show(targets, fmt)


@cli.command()
@click.option("--split", "splits", multiple=True, required=True, metavar="DATE",
              help="Split day (YYYY, YYYY-MM or YYYY-MM-DD); rank with the graph as known that day. Repeatable.")
@click.option("--horizon", default=2, show_default=True, type=click.IntRange(1, 50),
              help="Years after the split whose new projects are the answers.")
@click.option("--within", multiple=True, metavar="PLACE",
              help="Only answers in places under this region (a park id, e.g. na-united-states). Repeatable.")
@click.option("--by-segment", is_flag=True,
              help="Rank firms per place and segment of a new project (as recommend does per park and segment).")
@click.option("--rounds", default=1000, show_default=True, type=click.IntRange(10, 100000),
              help="Bootstrap rounds for the 95% intervals (seed 0).")
@data_option
@format_option
@errors_to_click
def backtest(splits, horizon, within, by_segment, rounds, src, fmt):
    """How well each scorer (recommend's points, baselines, a learned model) foresaw which firms opened
    projects in which places after a split day: MRR, Hits@k, average precision, AUC against hard negatives.

    Example: lithiumgraph backtest --data graph_data --data data/north-america --split 2022-08-15 --horizon 3 --within na-united-states
    """
    from .backtest import backtest as _backtest
    if src.as_of is not None:
        raise click.UsageError("--as-of does not go with backtest: each --split is the day the graph is read as of")
    _show(_backtest(src.history(), list(splits), horizon_years=horizon, within=list(within) or None,
                     by_segment=by_segment, rounds=rounds), fmt)


@cli.command("predict-links")
@click.option("--customer", default=None, help="List unstated suppliers for this firm, marked candidate.")
@click.option("--split", "splits", multiple=True, metavar="DATE",
              help="Backtest instead: rank suppliers for the SUPPLIES relations that appeared after this day. Repeatable.")
@click.option("--horizon", default=2, show_default=True, type=click.IntRange(1, 50), help="Years after each split.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 1000), help="Candidates per segment.")
@data_option
@format_option
@errors_to_click
def predict_links(customer, splits, horizon, top, src, fmt):
    """Missing supply relations: ranked candidates (never facts, never written into the data), or with
    --split the same backtest as `backtest` for SUPPLIES relations held out by date.

    Example: lithiumgraph predict-links --customer catl
    """
    from .backtest import Backtest
    from .backtest.links import candidates, link_backtest
    if bool(customer) == bool(splits):
        raise click.UsageError("give either --customer or --split")
    if splits:
        _show(Backtest(link_backtest(src.history(), list(splits), horizon_years=horizon)), fmt)
        return
    from .names import resolve
    G = _graph(src)
    _show(candidates(G, resolve(G, customer, kinds=("Enterprise",), what="enterprise"), top=top), fmt)


@cli.command()
@park_options
@data_option
@format_option
@errors_to_click
def risk(park, strong_firms, min_coverage, operating_only, src, fmt):
    """Single-source dependencies, chokepoint enterprises and concentration (HHI) for a park.

    Example: lithiumgraph risk --park yichun-etdz
    """
    from .analysis import risk as _risk
    G = _graph(src)
    _show(_risk(G, _park(G, park), rules=_rules(strong_firms, min_coverage, operating_only)), fmt)


@cli.command()
@park_options
@click.option("-o", "--output", "outdir", required=True, type=click.Path(),
              help="Directory for report.md and report.html.")
@click.option("--top", type=click.IntRange(1), default=3, show_default=True, help="Candidates per segment.")
@data_option
@errors_to_click
def report(park, strong_firms, min_coverage, operating_only, outdir, top, src):
    """Write the park report (gaps, balance, recommendations, risks, sources) as Markdown and as
    one self-contained HTML file.

    Example: lithiumgraph report --park yichun-etdz -o report
    """
    from .report import build_report, write_report
    from .timeline import snapshot
    H = src.history()
    G = snapshot(H, src.as_of)
    r = build_report(G, _park(G, park), rules=_rules(strong_firms, min_coverage, operating_only), top=top, history=H)
    for p in write_report(r, outdir):
        echo(f"wrote {p}")


@cli.command()
@park_options
@click.option("-o", "--output", "outdir", required=True, type=click.Path(),
              help="Directory for the pack (maps/, lists/, lists.xlsx, indicators.json, pack.html, pack.pdf).")
@click.option("--top", type=click.IntRange(1), default=3, show_default=True, help="Candidates per segment.")
@click.option("--no-print", "no_print", is_flag=True,
              help="Skip the PNG maps and the PDF (they need a headless Chromium: $LG_CHROMIUM or chromium).")
@data_option
@errors_to_click
def pack(park, strong_firms, min_coverage, operating_only, outdir, top, no_print, src):
    """Write the chain chief's pack (链长制 五图五清单): five maps (SVG, PNG), five lists (one workbook
    and CSV), the indicators and one printable document (HTML, PDF).

    Example: lithiumgraph pack --park yichun-etdz -o pack
    """
    from pathlib import Path
    from .pack import build_pack, write_pack
    G = _graph(src)
    p = build_pack(G, _park(G, park), as_of=src.as_of, rules=_rules(strong_firms, min_coverage, operating_only),
                   top=top)
    paths = write_pack(G, p, outdir, print_=not no_print)
    echo(f"wrote {len(paths)} files into {outdir}: " + ", ".join(str(x.relative_to(outdir)) for x in paths
                                                                   if x.parent == Path(outdir)))


@cli.command()
@click.option("--enterprises", "n", type=Number(int, 1, 2_000_000, "a whole number"), required=True,
              help="Number of enterprises (at most 2,000,000).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same files.")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(),
              help="Directory to write the graph_data files into.")
@errors_to_click
def synth(n, seed, outdir):
    """Generate a SYNTHETIC data set (labelled synthetic in every record) over the real segment
    template, for scale tests and benchmarks.

    Example: lithiumgraph synth --enterprises 10000 --seed 1 -o /tmp/syn10k
    """
    from .synth import write_synth
    counts = write_synth(n, seed, outdir)
    echo(f"wrote {sum(counts.values())} synthetic records to {outdir} "
               f"({', '.join(f'{v} {k[:-4]}' for k, v in counts.items())})")


@cli.command()
@neo4j_options
@click.option("--replace", is_flag=True, help="First delete everything lithiumgraph wrote (nodes labelled LG).")
@click.option("--batch", type=click.IntRange(1), default=5000, show_default=True, help="Rows per transaction.")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True,
              help="Transactions in flight at once (more can help a server with more cores or far away).")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
              help="graph_data directory; repeat to layer several (default: the shipped graph_data/).")
@errors_to_click
def push(neo4j_uri, neo4j_user, neo4j_password, database, replace, batch, workers, data_dirs):
    """Write the graph to a Neo4j server: uniqueness constraint, then batches (CREATE into an empty
    graph, else MERGE). Pushing twice leaves the same graph; if the server dies mid-push, run the same
    push again.

    Example: lithiumgraph push --neo4j-uri bolt://127.0.0.1:7687 --neo4j-password secret
    """
    from .stores import open_store, push as _push
    if not neo4j_uri:
        raise click.UsageError("push needs --neo4j-uri or NEO4J_URI")
    G = open_store("memory", data_dirs=data_dirs or None).graph()
    counts = _push(G, neo4j_uri, user=neo4j_user, password=neo4j_password, database=database, replace=replace,
                   batch=batch, workers=workers,
                   progress=lambda total: click.progressbar(length=total, label="pushing", file=sys.stderr))
    echo(f"pushed {counts['nodes']} nodes and {counts['relationships']} relationships to {neo4j_uri}")


@contextlib.contextmanager
def deadline(seconds):
    """Stop the block after ``seconds`` (the whole command, not only the engine's part) with one line."""
    import signal
    import threading
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(*_):
        from .errors import LithiumGraphError
        raise LithiumGraphError(f"the query ran past the {seconds:g} s timeout")
    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds + 0.5)  # the engine's own timeout speaks first
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _cell(value):
    """A query value in a table cell: nodes as (Kind id), relationships as [TYPE from→to], paths as chains."""
    if isinstance(value, dict):
        if "kind" in value and "id" in value:
            return f"({value['kind']} {value['id']})"
        if "type" in value and "from" in value:
            return f"[{value['type']} {value['from']}→{value['to']}]"
        if "nodes" in value and "relationships" in value:
            ids = [n.get("id") for n in value["nodes"]]
            rels = [r.get("type") for r in value["relationships"]]
            return ids[0] + "".join(f"-[{r}]-{i}" for r, i in zip(rels, ids[1:])) if ids else ""
        import json
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return value


@cli.command()
@click.argument("cypher")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is read as JSON when it is JSON (2, [\"a\"]), else as text.")
@click.option("--write", is_flag=True, help="Allow clauses that write (Neo4j only; queries are read-only by default).")
@click.option("--timeout", type=Number(float, 0.01, 86400, "a number of seconds"), default=None,
              help="Seconds before the command is stopped (the query and the conversion of its answer).")
@click.option("--max-rows", type=Number(int, 1, 10_000_000, "a whole number"), default=100_000, show_default=True,
              help="Print at most this many rows and say how many were cut.")
@data_option
@format_option
@errors_to_click
def query(cypher, params, write, timeout, max_rows, src, fmt):
    """Run a Cypher query on the embedded store (LadybugDB) or on Neo4j; the same query gives the same
    rows on both. Read-only unless --write.

    Example: lithiumgraph query "MATCH (a:Enterprise)-[r:SUPPLIES]->(b) RETURN a.name_zh, r.product, b.name_zh"
    """
    from .cypher import parse_param
    with deadline(timeout):
        res = src.query(cypher, dict(parse_param(p) for p in params), write=write, timeout=timeout)
    if len(res.rows) > max_rows:
        echo(f"({len(res.rows) - max_rows} of {len(res.rows)} rows cut: raise --max-rows to see them)", err=True)
        del res.rows[max_rows:]
    if fmt == "json":
        return _echo([], fmt, data=res.records())
    cols = list(dict.fromkeys(res.columns))
    if len(cols) != len(res.columns):
        raise click.ClickException("two columns have the same name; give them different names with AS")
    rows = [{c: _cell(v) for c, v in zip(res.columns, row)} for row in res.rows]
    _echo(rows, fmt, cols, max_width=80)
    if fmt == "table":
        echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


def traversal_options(fn):
    fn = click.option("--level", type=click.Choice(["enterprise", "segment", "product", "industry"]), default=None,
                      help="Follow supply relations between enterprises, the chain's segments, imported "
                           "material links between products or upstream industries (default: by what "
                           "the walk starts from; enterprise for an enterprise or a project).")(fn)
    return fn


def _steps(steps, fmt, empty):
    rows = [s.row() for s in steps]
    if not rows and fmt == "table":
        echo(empty)
        return
    _echo(rows, fmt, ["hop", "id", "kind", "name", "edge", "source_node", "target_node", "detail",
                      "confidence", "sources"], max_width=50)


def _walk_command(name, fn_name, doc, example, with_hops):
    @click.argument("name")
    @traversal_options
    @data_option
    @format_option
    @errors_to_click
    def command(name, level, src, fmt, hops=None):
        from . import traverse
        from .names import resolve
        G = _graph(src)
        n = resolve(G, name)
        fn = getattr(traverse, fn_name)
        steps = fn(G, n, hops, level) if with_hops else fn(G, n, level)
        from .graph import display_name
        _steps(steps, fmt, f"nothing {fn_name.rstrip('s')} of {display_name(G, n)} in the data")
    command.__doc__ = f"{doc}\n\n    Example: {example}\n    "
    if with_hops:
        command = click.option("--hops", type=click.IntRange(1, 10), default=2, show_default=True,
                               help="How many steps to follow.")(command)
    return cli.command(name)(command)


_walk_command("upstream", "upstream", "What feeds an entity within K hops: its suppliers and theirs, or the "
              "chain segments upstream of its segments; each step with its sources.",
              "lithiumgraph upstream 宁德时代 --level segment --hops 2", True)
_walk_command("downstream", "downstream", "What an entity feeds within K hops: its customers and theirs, or "
              "the chain segments downstream of its segments; each step with its sources.",
              "lithiumgraph downstream 赣锋锂业", True)
_walk_command("suppliers", "suppliers", "Direct suppliers of an enterprise (stated supply relations), or the "
              "segments directly upstream of a segment.", "lithiumgraph suppliers CATL", False)
_walk_command("customers", "customers", "Direct customers of an enterprise (stated supply relations), or the "
              "segments directly downstream of a segment.", "lithiumgraph customers 国轩高科", False)


@cli.command()
@click.argument("name")
@click.option("--edge", type=click.Choice(["UPSTREAM_OF", "IN_SEGMENT", "SUPPLIES", "LOCATED_IN", "RUNS",
                                           "SUBSIDIARY_OF", "INVESTS_IN"]), help="Only edges of this kind.")
@data_option
@format_option
@errors_to_click
def neighbours(name, edge, src, fmt):
    """Everything one edge away from an entity, in and out, with each edge's sources.

    Example: lithiumgraph neighbours 宜春时代 --edge SUBSIDIARY_OF
    """
    from .names import resolve
    from .traverse import neighbours as _neighbours
    G = _graph(src)
    n = resolve(G, name)
    from .graph import display_name
    _steps(_neighbours(G, n, edge), fmt, f"{display_name(G, n)} has no {edge + ' ' if edge else ''}neighbours in the data")


@cli.command()
@click.option("--park", required=True, help="Park id or name.")
@click.option("--since", required=True, metavar="DATE", help="Changes dated after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="... and on or before DATE (default today).")
@data_option
@format_option
@errors_to_click
def changes(park, since, until, src, fmt):
    """New, changed and ended facts around a park between two dates, oldest first, each with its sources:
    project stage moves, firm events (production stops, restructuring, licences), new supply relations,
    memberships and sites, facts that ended (valid_to).

    Example: lithiumgraph changes --park yichun-etdz --since 2024-01
    """
    from .changes import changes as _changes
    G = src.history()
    rows = [c.row() for c in _changes(G, _park(G, park), since, until)]
    _echo(rows, fmt, ["date", "what", "kind", "subject", "name", "detail", "sources"])


@cli.command()
@click.option("--park", help="Park id or name (default: every firm and project).")
@click.option("--older-than", default="18m", show_default=True, help="Age after which a fact counts as stale (18m, 2y, 90d).")
@click.option("--stuck-months", default=24, show_default=True, type=click.IntRange(1),
              help="Months after which a waiting stage (planned … trial) counts as stuck.")
@click.option("--top", default=0, type=click.IntRange(0), help="Show only the first N (0: all).")
@data_option
@format_option
@errors_to_click
def freshness(park, older_than, stuck_months, top, src, fmt):
    """Facts to re-check, most consequential first: statuses a later event contradicts, projects stuck in a
    stage, facts whose newest source or retrieved_on is older than --older-than. A leader flag (it alone
    makes a segment strong) ranks first, then capacities and project stages, then supply relations.

    Example: lithiumgraph freshness --park yichun-etdz --older-than 18m --top 10
    """
    from .freshness import freshness as _freshness
    G = src.graph()
    found = _freshness(G, park=_park(G, park) if park else None, older_than=older_than,
                       stuck_months=stuck_months, today=src.as_of)
    rows = [f.row() for f in (found[:top] if top else found)]
    _echo(rows, fmt, ["problem", "weight", "subject", "name", "fact", "last_checked", "detail", "sources"])


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("--any", "any_edge", is_flag=True,
              help="Allow any relation in either direction (ownership, location, projects), not only supply.")
@data_option
@format_option
@errors_to_click
def path(a, b, any_edge, src, fmt):
    """The shortest supply path between two entities, one line per edge with its sources.

    Example: lithiumgraph path 江西升华 哪吒汽车
    """
    from .graph import display_name
    from .names import resolve
    from .traverse import path as _path
    G = _graph(src)
    x, y = resolve(G, a), resolve(G, b)
    none = (f"{display_name(G, x)} and {display_name(G, y)} are not connected" if any_edge else
            f"no stated supply path between {display_name(G, x)} and {display_name(G, y)}; "
            "--any looks for any connection")
    _steps(_path(G, x, y, any_edge=any_edge), fmt, none)


@cli.command()
@click.option("--park", help="Mark this park's gaps (missing, weak, strong) and tell its firms from outside ones.")
@click.option("--focus", help="Only what lies within --hops edges of this entity (id or name).")
@click.option("--hops", type=click.IntRange(1, 10), default=1, show_default=True, help="Hops around --focus.")
@click.option("--level", type=click.Choice(["segment", "enterprise"]), default="segment", show_default=True,
              help="Chain segments only, or segments with the enterprises in them.")
@click.option("-o", "--output", "out", required=True, type=click.Path(),
              help="The HTML file to write (one self-contained file, works offline).")
@click.option("--open", "open_", is_flag=True, help="Open the file in the default browser.")
@click.option("--max-nodes", type=click.IntRange(1), default=20000, show_default=True,
              help="Refuse to draw more enterprises than this (a browser page slows down beyond it).")
@data_option
@errors_to_click
def explore(park, focus, hops, level, out, open_, max_nodes, src):
    """Write the interactive chain explorer: segments upstream → downstream, gaps marked, firms inside
    their segments and outside partners below; click a firm for its supply chain and the sources of every
    link, slide the date to see the park as of a year; one offline HTML file.

    Example: lithiumgraph explore --park yichun-etdz -o chain.html
    """
    from .explorer import explore as _explore
    from .names import resolve
    G = _graph(src)
    ex = _explore(G, park=_park(G, park) if park else None, focus=resolve(G, focus) if focus else None,
                  hops=hops, level=level, max_nodes=max_nodes)
    path = ex.write(out)
    echo(f"wrote {path} ({ex.subtitle})")
    if open_:
        import webbrowser
        webbrowser.open(path.resolve().as_uri())


@cli.command("export")
@click.option("--to", "fmt", required=True, type=click.Choice(["graphml", "gexf", "json", "csv", "neo4j-import"]),
              help="GraphML or GEXF (Gephi, Cytoscape), networkx node-link JSON, CSV tables, or neo4j-admin import files.")
@click.option("-o", "--output", "out", required=True, type=click.Path(),
              help="The file to write (a directory for csv and neo4j-import).")
@click.option("--park", help="Only this park's part of the graph (its firms, projects, sub-parks, the template).")
@click.option("--focus", help="Only what lies within --hops edges of this entity (id or name).")
@click.option("--hops", type=click.IntRange(1, 10), default=1, show_default=True, help="Hops around --focus.")
@click.option("--raw-cells", is_flag=True,
              help="CSV cells as they are: no leading ' before = + - @ (for programs, not spreadsheets).")
@data_option
@errors_to_click
def export_(fmt, out, park, focus, hops, raw_cells, src):
    """Export the graph, or part of it, for Gephi, Cytoscape, pandas, spreadsheets or neo4j-admin import;
    files are streamed and written whole or not at all.

    Example: lithiumgraph export --to gexf -o yichun.gexf --park yichun-etdz
    """
    from .export import export
    from .names import resolve
    from .scope import subgraph
    G = _graph(src)
    H = subgraph(G, park=_park(G, park) if park else None, focus=resolve(G, focus) if focus else None, hops=hops)
    res = export(H, fmt, out, raw_cells=raw_cells)
    echo(f"wrote {res.nodes} nodes and {res.edges} edges as {fmt} to {out}"
               + (f" ({len(res.paths)} files)" if len(res.paths) > 1 else ""))
    for note in res.notes:
        echo(f"  {note}")
    if res.command:
        echo(f"load with:\n  {res.command}")


@cli.group("import")
def import_():
    """Bring outside data sets in as graph_data directories to layer over the curated data.

    Example: lithiumgraph import table FILE.csv --mapping MAPPING.yaml -o data/north-america
    """


@import_.command("table")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option("--mapping", required=True, type=click.Path(dir_okay=False),
              help="YAML file naming the columns: company, stage, investment, jobs, place, coordinates, date, note.")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(),
              help="The data directory to write (new, empty, or written by an earlier import).")
@click.option("--force", is_flag=True, help="Replace what the output directory holds even if no import wrote it.")
@click.option("--against", multiple=True, type=click.Path(file_okay=False),
              help="Data directories whose enterprises the table's firms are merged onto (default: graph_data/).")
@errors_to_click
def import_table(table, mapping, outdir, against, force):
    """Import a facility or firm list (CSV) through a mapping file: places become parks, firms merge onto
    existing enterprises by name, alias or listed code, facilities become projects with their figures.

    Example: lithiumgraph import table imports/na-ev-battery/post_IRA_EV_supply_chain_investments.csv --mapping imports/na-ev-battery/mapping.yaml -o data/north-america
    """
    from .importers import import_table as _import, read_mapping
    summary = _import(table, read_mapping(mapping), outdir, against=list(against) or None, force=force)
    echo(f"wrote {outdir}: " + ", ".join(f"{v} {k}" for k, v in summary.counts.items())
               + f"; {summary.skipped} rows filtered out")
    for company, eid in summary.merged:
        echo(f"  merged: {company} -> {eid}")
    for company, ids in summary.ambiguous:
        echo(f"  ambiguous, kept apart (settle it in the mapping's settled:): {company} -> {', '.join(ids)}")
    for a in summary.anomalies:
        echo(f"  anomaly: {a}")
    if summary.unmapped:
        echo("  stage values mapped to no segment: "
                   + "; ".join(f"{k} ({v})" for k, v in sorted(summary.unmapped.items())))


@import_.command("chainkg")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(),
              help="The data directory to write (new, empty, or written by an earlier import).")
@click.option("--force", is_flag=True, help="Replace what the output directory holds even if no import wrote it.")
@click.option("--products", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CSV product,segment mapping ChainKG products onto the chain template "
                   "(default: imports/chainkg/product_segments.csv).")
@click.option("--against", multiple=True, type=click.Path(file_okay=False),
              help="Data directories whose enterprises companies are merged onto (default: graph_data/).")
@click.option("--settled", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CSV company,enterprise: answers for ambiguous names from an earlier merge report.")
@errors_to_click
def import_chainkg(directory, outdir, products, against, settled, force):
    """Import ChainKnowledgeGraph (产业链知识图谱) companies as enterprises, with memberships for main
    products that map onto the chain template; merged onto existing enterprises by listed code, then name;
    anomalies reported, not loaded.

    Example: lithiumgraph import chainkg ../ChainKnowledgeGraph/data -o /tmp/chainkg
    """
    import csv as _csv

    from .importers import import_chainkg as _import
    from .shipped import shipped
    products = products or str(shipped("imports", "chainkg", "product_segments.csv"))
    answers = {}
    if settled:
        with open(settled, encoding="utf-8", newline="") as f:
            reader = _csv.DictReader(f)
            if not {"company", "enterprise"} <= set(reader.fieldnames or ()):
                raise click.ClickException(f"{settled}:1: header: expected the columns company,enterprise")
            answers = {r["company"]: r["enterprise"] for r in reader}
    s = _import(directory, outdir, product_map=products, against=list(against) or None, settled=answers, force=force)
    echo(f"wrote {outdir}: " + ", ".join(f"{v} {k}" for k, v in s.counts.items())
               + f"; merged {len(s.merged)}, ambiguous {len(s.ambiguous)} (see merge_report.tsv); "
               f"{s.without_chain_product} companies without a chain product, {s.unmapped_products} products unmapped")
    if s.codes_not_in_company_file:
        echo(f"  {len(s.codes_not_in_company_file)} company codes only in company_product.json "
                   f"(named from there): {', '.join(s.codes_not_in_company_file[:10])}")
    for company, eid, how in s.merged:
        echo(f"  merged by {how}: {company} -> {eid}")
    echo("  anomalies are left out of the data unless said otherwise:")
    for kind, items in s.anomalies.items():
        echo(f"  anomaly: {len(items)} {kind}" + (f", e.g. {items[0]}" if items else ""))
    echo("  product links between mapped products: " + ", ".join(f"{v} {k}" for k, v in s.link_check.items()))


@cli.command("extract")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="The review CSV to write (default: print it).")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Data directories whose firm and park names are recognised (default: graph_data/).")
@click.option("--published", default="", help="Publication date (YYYY-MM-DD) of plain-text inputs.")
@click.option("--url", default="", help="Address of plain-text inputs.")
@click.option("--outlet", default="", help="Outlet of plain-text inputs.")
@click.option("--lexicon", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CSV word,segment,kind of product words (default: the one shipped with lithiumgraph).")
@click.option("--rejected", type=click.Path(dir_okay=False), default=None,
              help="Candidates not to propose again (default: rejected.csv beside the output).")
@errors_to_click
def extract(inputs, output, data_dirs, published, url, outlet, lexicon, rejected):
    """Read news and announcements (plain text, HTML, JSON Lines with url, published, title, text; - for
    standard input) and write candidate events for review: stage, firms, place, segment, capacity, money,
    date, the evidence sentence and its character offsets, the source.

    Example: lithiumgraph extract news/ -o review.csv
    """
    from .extract import extract_files
    s = extract_files(inputs, output, data=list(data_dirs) or None, published=published, url=url,
                      outlet=outlet, stdin=click.get_binary_stream("stdin"), lexicon=lexicon, rejected=rejected)
    if output is None:
        echo(s.text, nl=False)
        return
    stages = ", ".join(f"{v} {k}" for k, v in sorted(s.by_stage.items()))
    echo(f"wrote {output}: {s.candidates} candidates from {s.documents} documents"
               + (f" ({stages})" if stages else "") + (f"; {s.skipped} rejected before, left out" if s.skipped else ""))


@cli.command("accept")
@click.argument("review", type=click.Path(dir_okay=False, exists=True))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="The data directory to write (new, empty, or written by an earlier accept).")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Data directories the result layers onto (default: graph_data/).")
@errors_to_click
def accept(review, outdir, data_dirs):
    """Turn the review rows marked yes into a data directory (confidence extracted, the source added,
    retrieved_on today); remember the rows marked no in rejected.csv beside the review; list conflicts
    with the data in conflicts.csv beside it, never overwriting.

    Example: lithiumgraph accept review.csv -o data/news
    """
    from .extract import accept_review
    s = accept_review(review, outdir, data=list(data_dirs) or None)
    files = ", ".join(f"{v} {k.removesuffix('.csv')}" for k, v in s.written.items() if v)
    echo(f"{s.accepted} accepted, {s.rejected} rejected, {s.undecided} undecided; wrote {outdir}: "
               + (files or "nothing new") + f"; {s.known} already in the data, {s.forecasts} announcements kept as notes")
    for c in s.conflicts:
        echo(f"  conflict (line {c['line']}): {c['subject']}: data says {c['existing']}; the text says "
                   f"{c['extracted']}")
