"""Results as table rows and as pandas DataFrames: the same rows the CLI prints, for notebooks.

pandas is optional (``pip install -e '.[pandas]'``) and imported only when a DataFrame is asked for.
"""

from __future__ import annotations

__all__ = ["rows_of", "to_frame"]


def rows_of(result) -> list[dict]:
    """The rows of any lithiumgraph result: a query Result, gaps (Coverage), balance, stats, a risk
    report (one row per finding, with its section), recommendations (one row per candidate), a list of
    walk steps or other findings, or plain dicts.

    >>> from lithiumgraph import load_graph
    >>> from lithiumgraph.analysis import gaps
    >>> rows_of(gaps(load_graph(), "yichun-etdz"))[0]["segment"]
    'brine'
    """
    from .stores import Result

    if isinstance(result, Result):
        return result.records()
    if hasattr(result, "rows") and callable(result.rows):
        return result.rows()
    return [x.row() if hasattr(x, "row") else dict(x) for x in result]


def to_frame(result):
    """``rows_of(result)`` as a pandas DataFrame (lists stay Python lists in their cells)."""
    try:
        import pandas as pd
    except ImportError:
        from .errors import LithiumGraphError

        raise LithiumGraphError("pandas is not installed: pip install -e '.[pandas]'") from None
    rows = rows_of(result)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return pd.DataFrame(rows, columns=columns)
