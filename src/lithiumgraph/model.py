"""The model: one plain record class per file of ``graph_data/`` (the vocabulary they use is in ``kinds``).

Each record field carries its column's rules in ``metadata`` (type, required, choices, the kind of
node it references), so that one reader validates every file the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Mapping, ClassVar

from .kinds import (
    CHEMISTRIES,
    CONFIDENCE,
    DATED,
    EDGE_KINDS,
    ENTERPRISE_EVENTS,
    GROUPS,
    LEADER_LEVELS,
    NODE_KINDS,
    OLD_STATUSES,
    OWNERSHIP_KINDS,
    PARK_LEVELS,
    PROJECT_STAGES,
    STAGES,
    STATUSES,
)

__all__ = [
    "NODE_KINDS",
    "EDGE_KINDS",
    "CONFIDENCE",
    "STAGES",
    "GROUPS",
    "PARK_LEVELS",
    "STATUSES",
    "Source",
    "Park",
    "Segment",
    "SegmentLink",
    "Enterprise",
    "Location",
    "Membership",
    "Project",
    "Supply",
    "Ownership",
    "Figure",
    "Intensity",
    "Product",
    "Industry",
    "Make",
    "ProductLink",
    "Listing",
    "IndustryMembership",
    "IndustryLink",
    "ProjectEvent",
    "EnterpriseEvent",
    "Price",
    "Policy",
    "RECORD_FILES",
    "columns",
    "PROJECT_STAGES",
    "ENTERPRISE_EVENTS",
    "OLD_STATUSES",
    "DATED",
]


def col(
    type: str = "text",
    *,
    required: bool = False,
    ref: str | None = None,
    choices: tuple[str, ...] | None = None,
    column: str | None = None,
):
    """A record field with the rules of its CSV column."""
    default = () if type == "list" else None
    return field(
        default=default, metadata={"type": type, "required": required, "ref": ref, "choices": choices, "column": column}
    )


def columns(cls) -> list[tuple[str, str, Mapping]]:
    """``(attribute, column name, rules)`` for each field of a record class, provenance last."""
    out = [(f.name, f.metadata.get("column") or f.name, f.metadata) for f in fields(cls)]
    return sorted(out, key=lambda c: _PROVENANCE.index(c[0]) + 1 if c[0] in _PROVENANCE else 0)


_PROVENANCE = ("sources", "as_of", "confidence", "valid_from", "valid_to", "retrieved_on")


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """What every sourced row carries: its sources, how sure it is, when someone last checked it."""

    sources: tuple[str, ...] = col("list", required=True, ref="Source")
    confidence: str = col(required=True, choices=CONFIDENCE)
    retrieved_on: str | None = col("date")


@dataclass(frozen=True, kw_only=True)
class Fact(Evidence):
    """Provenance of every node and edge record: the date its source states (``as_of``) and, where
    known, when the fact holds in the world (``valid_from`` to ``valid_to``)."""

    as_of: str | None = col("date")
    valid_from: str | None = col("date")
    valid_to: str | None = col("date")


@dataclass(frozen=True, kw_only=True)
class Source:
    """A publication, filing or data set that facts cite."""

    id: str = col("id", required=True)
    title: str = col(required=True)
    publisher: str | None = col()
    date: str | None = col("date")
    address: str = col(required=True)
    quality: str | None = col(choices=("A", "B", "C"))  # A primary or official, B established press, C mirror
    note: str | None = col()
    mirror: str | None = col()  # a second address of the same text
    retrieved_on: str | None = col("date")
    node_kind: ClassVar[str] = "Source"


@dataclass(frozen=True, kw_only=True)
class Park(Fact):
    """A park or region; ``parent`` is the region that contains it."""

    id: str = col("id", required=True)
    name_zh: str | None = col()  # name_zh or name_en: imported foreign firms have no zh name
    name_en: str | None = col()
    aliases: tuple[str, ...] = col("list")
    level: str = col(required=True, choices=PARK_LEVELS)
    parent: str | None = col(ref="Park")
    note: str | None = col()
    node_kind: ClassVar[str] = "Park"
    named: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class Segment(Fact):
    """A link of the chain template; ``unit`` is the unit its capacities are stated in."""

    id: str = col("id", required=True)
    name_zh: str = col(required=True)
    name_en: str = col(required=True)
    stage: str = col(required=True, choices=STAGES)
    group: str | None = col(choices=GROUPS)
    unit: str | None = col("capacity_unit")
    resource: str | None = col(choices=("yes",))  # extraction of a natural resource: bound to deposits
    description: str | None = col()
    node_kind: ClassVar[str] = "Segment"


@dataclass(frozen=True, kw_only=True)
class SegmentLink(Fact):
    """UPSTREAM_OF: the upstream segment feeds the downstream one."""

    upstream: str = col(required=True, ref="Segment", column="from")
    downstream: str = col(required=True, ref="Segment", column="to")
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("upstream", "downstream")


@dataclass(frozen=True, kw_only=True)
class Enterprise(Fact):
    """A firm, with zh and en names, aliases and its listed code where it has one."""

    id: str = col("id", required=True)
    name_zh: str | None = col()  # name_zh or name_en: imported foreign firms have no zh name
    name_en: str | None = col()
    aliases: tuple[str, ...] = col("list")
    listed_code: str | None = col()
    note: str | None = col()
    node_kind: ClassVar[str] = "Enterprise"
    named: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class Listing(Fact):
    """A listed code an outside data set gives an enterprise it was merged onto (by name), so that the
    code still finds it; the enterprise node lists it in ``listed_codes`` (and in ``listed_code`` where
    it had none)."""

    enterprise: str = col(required=True, ref="Enterprise")
    listed_code: str = col(required=True)
    name: str | None = col()  #: the name the data set uses for the company
    key: ClassVar[tuple[str, ...]] = ("enterprise", "listed_code")


@dataclass(frozen=True, kw_only=True)
class Location(Fact):
    """LOCATED_IN: an enterprise has a seat (hq, plant, office) in a park or region; ``segments`` are
    what the row's sources say is made there (only these make the firm local in a segment)."""

    enterprise: str = col(required=True, ref="Enterprise")
    park: str = col(required=True, ref="Park")
    role: str | None = col(choices=("hq", "plant", "office"))
    segments: tuple[str, ...] = col("list", ref="Segment")
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("enterprise", "park", "role")


@dataclass(frozen=True, kw_only=True)
class Membership(Fact):
    """IN_SEGMENT: an enterprise is active in a segment (its firm-wide capacity where known)."""

    enterprise: str = col(required=True, ref="Enterprise")
    segment: str = col(required=True, ref="Segment")
    product: str | None = col()
    capacity: float | None = col("number")
    unit: str | None = col("capacity_unit")
    status: str | None = col(choices=STATUSES)
    leader: str | None = col(choices=LEADER_LEVELS)
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("enterprise", "segment")


@dataclass(frozen=True, kw_only=True)
class Project(Fact):
    """An investment project: who runs it, where, for which segment, how big."""

    id: str = col("id", required=True)
    name_zh: str | None = col()  # name_zh or name_en: imported foreign firms have no zh name
    name_en: str | None = col()
    enterprise: str = col(required=True, ref="Enterprise")
    park: str = col(required=True, ref="Park")
    segment: str | None = col(ref="Segment")
    capacity: float | None = col("number")
    unit: str | None = col("capacity_unit")
    investment_yuan: float | None = col("number")
    chemistry: str | None = col(choices=CHEMISTRIES)
    status: str | None = col(choices=STATUSES)  # None: the source does not say
    start: str | None = col("date")
    note: str | None = col()
    node_kind: ClassVar[str] = "Project"
    named: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class Supply(Fact):
    """SUPPLIES: a documented supply relation between two enterprises."""

    supplier: str = col(required=True, ref="Enterprise")
    customer: str = col(required=True, ref="Enterprise")
    product: str = col(required=True)
    segment: str | None = col(ref="Segment")
    period: str | None = col()
    evidence: str = col(required=True)
    key: ClassVar[tuple[str, ...]] = ("supplier", "customer", "segment")


@dataclass(frozen=True, kw_only=True)
class Ownership(Fact):
    """SUBSIDIARY_OF (from = subsidiary, to = parent) or INVESTS_IN (from = investor)."""

    owner_from: str = col(required=True, ref="Enterprise", column="from")
    owner_to: str = col(required=True, ref="Enterprise", column="to")
    kind: str = col(required=True, choices=OWNERSHIP_KINDS)
    share_pct: float | None = col("percent")
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("owner_from", "owner_to", "kind")


@dataclass(frozen=True, kw_only=True)
class Figure(Fact):
    """A dated figure about any node; several figures for one metric keep disagreeing sources apart."""

    subject: str = col(required=True, ref="*")
    metric: str = col("id", required=True)
    value: str = col("figure", required=True)
    unit: str = col("unit", required=True)
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("subject", "metric", "value", "sources")
    node_kind: ClassVar[str] = "Figure"


@dataclass(frozen=True, kw_only=True)
class Intensity(Fact):
    """Material use per GWh of cells, as a low-high range for one chemistry."""

    material: str = col(required=True, ref="Segment")
    chemistry: str = col(required=True, choices=CHEMISTRIES)
    low: float = col("number", required=True)
    high: float = col("number", required=True)
    unit: str = col("unit", required=True)
    basis: str | None = col()
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("material", "chemistry")
    node_kind: ClassVar[str] = "Intensity"


@dataclass(frozen=True, kw_only=True)
class Product(Fact):
    """A product as an outside data set names it; ``segment`` where it maps onto the chain template
    (MAPS_TO), empty where it does not."""

    id: str = col("id", required=True)
    name_zh: str = col(required=True)
    segment: str | None = col(ref="Segment")
    note: str | None = col()
    node_kind: ClassVar[str] = "Product"


@dataclass(frozen=True, kw_only=True)
class Industry(Fact):
    """An industry of an outside classification; ``parent`` is the industry above it (PART_OF)."""

    id: str = col("id", required=True)
    name_zh: str = col(required=True)
    code: str | None = col()
    parent: str | None = col(ref="Industry")
    node_kind: ClassVar[str] = "Industry"


@dataclass(frozen=True, kw_only=True)
class Make(Fact):
    """MAKES: an enterprise's main product, with the share (0-1) the data set gives it; ``segment`` where
    the product counts in a segment for this firm only (a generic name read with its other products)."""

    enterprise: str = col(required=True, ref="Enterprise")
    product: str = col(required=True, ref="Product")
    weight: float | None = col("number")
    segment: str | None = col(ref="Segment")
    key: ClassVar[tuple[str, ...]] = ("enterprise", "product")


@dataclass(frozen=True, kw_only=True)
class ProductLink(Fact):
    """MATERIAL_OF (from = the material, to = the product made of it) or SUBCLASS_OF (from = the narrower)."""

    link_from: str = col(required=True, ref="Product", column="from")
    link_to: str = col(required=True, ref="Product", column="to")
    kind: str = col(required=True, choices=("MATERIAL_OF", "SUBCLASS_OF"))
    key: ClassVar[tuple[str, ...]] = ("link_from", "link_to", "kind")


@dataclass(frozen=True, kw_only=True)
class IndustryMembership(Fact):
    """IN_INDUSTRY: an enterprise belongs to an industry."""

    enterprise: str = col(required=True, ref="Enterprise")
    industry: str = col(required=True, ref="Industry")
    key: ClassVar[tuple[str, ...]] = ("enterprise", "industry")


@dataclass(frozen=True, kw_only=True)
class IndustryLink(Fact):
    """FEEDS_INDUSTRY: an industry upstream of another, with how many links the data set counts."""

    link_from: str = col(required=True, ref="Industry", column="from")
    link_to: str = col(required=True, ref="Industry", column="to")
    count: float | None = col("number")
    key: ClassVar[tuple[str, ...]] = ("link_from", "link_to")


@dataclass(frozen=True, kw_only=True)
class ProjectEvent(Evidence):
    """A project reached a stage on a date; a project's status on a date is its last event by then."""

    project: str = col(required=True, ref="Project")
    date: str = col("date", required=True)
    stage: str = col(required=True, choices=PROJECT_STAGES)
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("project", "date", "stage")
    node_kind: ClassVar[str] = "Event"


@dataclass(frozen=True, kw_only=True)
class EnterpriseEvent(Evidence):
    """Something happened to a firm on a date: a production stop, a restructuring, a licence, a listing."""

    enterprise: str = col(required=True, ref="Enterprise")
    date: str = col("date", required=True)
    event: str = col(required=True, choices=ENTERPRISE_EVENTS)
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("enterprise", "date", "event")
    node_kind: ClassVar[str] = "Event"


@dataclass(frozen=True, kw_only=True)
class Price(Evidence):
    """One observation of a price series (e.g. battery-grade lithium carbonate, yuan/t, monthly average)."""

    series: str = col("id", required=True)
    date: str = col("date", required=True)
    price: float = col("number", required=True, column="value")  # ``price`` on the graph: figures' value is text
    unit: str = col(required=True)
    basis: str | None = col()
    note: str | None = col()
    key: ClassVar[tuple[str, ...]] = ("series", "date", "basis")
    node_kind: ClassVar[str] = "Price"


@dataclass(frozen=True, kw_only=True)
class Policy(Fact):
    """A government policy that bears on the chain: who issued it, for which region (a park row: the
    country for national ones), on which day, and the segments it names. ``as_of`` is the day it was
    issued or, when only reported, the day of the report."""

    id: str = col("id", required=True)
    title: str = col(required=True)
    issuer: str = col(required=True)
    level: str = col(required=True, choices=("national", "province", "city", "county", "park"))
    region: str = col(required=True, ref="Park")
    date: str = col("date", required=True)
    segments: tuple[str, ...] = col("list", ref="Segment")
    summary: str | None = col()
    note: str | None = col()
    node_kind: ClassVar[str] = "Policy"


#: file name -> record class, in load order (a file may only reference kinds loaded before or with it).
RECORD_FILES: dict[str, type] = {
    "sources.csv": Source,
    "parks.csv": Park,
    "segments.csv": Segment,
    "segment_links.csv": SegmentLink,
    "enterprises.csv": Enterprise,
    "listings.csv": Listing,
    "locations.csv": Location,
    "enterprise_segments.csv": Membership,
    "projects.csv": Project,
    "supplies.csv": Supply,
    "ownership.csv": Ownership,
    "figures.csv": Figure,
    "intensities.csv": Intensity,
    "products.csv": Product,
    "industries.csv": Industry,
    "makes.csv": Make,
    "product_links.csv": ProductLink,
    "enterprise_industries.csv": IndustryMembership,
    "industry_links.csv": IndustryLink,
    "project_events.csv": ProjectEvent,
    "enterprise_events.csv": EnterpriseEvent,
    "prices.csv": Price,
    "policies.csv": Policy,
}
