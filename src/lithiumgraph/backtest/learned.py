"""One learned scorer: logistic regression over the named parts and graph features of a pair, fitted on
an earlier inner split only (features as of ``D - horizon``, outcomes up to ``D``), so nothing after the
split day ``D`` reaches it."""

from __future__ import annotations

from datetime import date

from ..timeline import snapshot
from .features import FEATURES, Features


def fit_before(G, day: date, horizon_years: int, within=None, by_segment: bool = False):
    """``(score function, note)``; the function is None when the earlier period has no positive."""
    from .harness import _queries, outcomes, years_after

    inner = years_after(day, -horizon_years)
    before, after = snapshot(G, inner), snapshot(G, day)
    F = Features.of(before)
    X, y = [], []
    for (place, seg), pos, cands in _queries(F, outcomes(G, before, after, within), by_segment):
        for f in cands:
            v = F.vector(f, place, seg)
            X.append([v[k] for k in FEATURES])
            y.append(int(f in pos))
    if sum(y) == 0 or sum(y) == len(y):
        return None, f"learned: not fitted, no positive between {inner} and {day} to learn from"
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000))
    model.fit(X, y)
    coef = model[-1].coef_[0]
    top = sorted(zip(FEATURES, coef), key=lambda t: -abs(t[1]))[:3]
    note = (
        f"learned: logistic regression fitted on {sum(y)} positives among {len(y)} pairs between {inner} and "
        f"{day}; largest weights {', '.join(f'{k} {c:+.2f}' for k, c in top)}"
    )
    return (lambda v: float(model.decision_function([[v[k] for k in FEATURES]])[0])), note
