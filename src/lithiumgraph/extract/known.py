"""What the data already holds, for an accept: the ids a reviewed row may name, the projects and supplies it
may repeat, and what a new project event would contradict."""

from __future__ import annotations

from .. import model
from ..history import Step, last_day, order_problems, project_steps, status_on

__all__ = ["Known"]


class Known:
    """What the data already holds, for resolving ids and finding conflicts."""

    def __init__(self, ds) -> None:
        self.enterprises = {e.id: e for e in ds.records(model.Enterprise)}
        self.parks = {p.id: p for p in ds.records(model.Park)}
        self.segments = {s.id: s for s in ds.records(model.Segment)}
        self.projects = ds.records(model.Project)
        self.supplies = {(s.supplier, s.customer, s.segment) for s in ds.records(model.Supply)}
        self.events = {(e.project, e.stage): e.date for e in ds.records(model.ProjectEvent)}
        self.steps = {pid: [s for s, _ in pairs] for pid, pairs in project_steps(ds).items()}
        self.status = {p.id: (p.status, p.as_of) for p in self.projects if p.status and p.as_of}
        self.family: dict[str, set[str]] = {}
        for o in ds.records(model.Ownership):
            if o.kind == "SUBSIDIARY_OF":
                self.family.setdefault(o.owner_to, set()).add(o.owner_from)
                self.family.setdefault(o.owner_from, set()).add(o.owner_to)

    def clash(self, pid: str, step: Step, new_steps: list[Step]) -> str:
        """What a new event would contradict: the order of the project's events, or its stated status."""
        steps = self.steps.get(pid, []) + new_steps
        before = {m for _, _, m in order_problems(steps)}
        new = [m for _, _, m in order_problems(steps + [step]) if m not in before]
        if new:
            return new[0]
        status, as_of = self.status.get(pid, (None, None))
        if status:
            got = status_on(steps + [step], last_day(as_of))
            if got is step and step.stage != status:
                return f"status {status} on {as_of}"
        return ""

    def near(self, a: str, b: str) -> bool:
        """The same park, or one inside the other."""

        def up(x):
            seen = []
            while x and x not in seen:
                seen.append(x)
                x = self.parks[x].parent if x in self.parks else None
            return seen

        return a in up(b) or b in up(a)
