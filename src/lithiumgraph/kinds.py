"""The graph's vocabulary: node and edge kinds and the values a column may take (confidence, stages,
project stages, enterprise events, park levels)."""

__all__ = [
    "NODE_KINDS",
    "EDGE_KINDS",
    "CONFIDENCE",
    "STAGES",
    "GROUPS",
    "PARK_LEVELS",
    "PROJECT_STAGES",
    "STATUSES",
    "OLD_STATUSES",
    "ENTERPRISE_EVENTS",
    "DATED",
    "OWNERSHIP_KINDS",
    "CHEMISTRIES",
    "LEADER_LEVELS",
]

NODE_KINDS = (
    "Enterprise",
    "Segment",
    "Project",
    "Park",
    "Source",
    "Figure",
    "Intensity",
    "Product",
    "Industry",
    "Event",
    "Price",
    "Policy",
)
EDGE_KINDS = (
    "UPSTREAM_OF",
    "IN_SEGMENT",
    "SUPPLIES",
    "LOCATED_IN",
    "RUNS",
    "SUBSIDIARY_OF",
    "INVESTS_IN",
    "HAS_FIGURE",
    "HAS_INTENSITY",
    "MAKES",
    "MAPS_TO",
    "MATERIAL_OF",
    "SUBCLASS_OF",
    "IN_INDUSTRY",
    "PART_OF",
    "FEEDS_INDUSTRY",
    "HAS_EVENT",
)

#: stated by a source; derived by arithmetic on sourced figures; uncertain (sources disagree or do not
#: confirm); imported from an outside data set; synthetic (generated for scale tests, not real);
#: extracted (read out of a text by a program, not yet checked by a person).
CONFIDENCE = ("stated", "derived", "uncertain", "imported", "synthetic", "extracted")
STAGES = ("upstream", "midstream", "downstream", "recycling")
#: The 三电一车 grouping: battery, motor, electronic control, vehicle.
GROUPS = ("battery", "motor", "control", "vehicle")
PARK_LEVELS = ("country", "province", "city", "county", "park")
#: A project's stages, in the order a project normally passes them; the last three stop it.
PROJECT_STAGES = (
    "planned",
    "signed",
    "land",
    "started",
    "construction",
    "trial",
    "operating",
    "expanded",
    "halted",
    "suspended",
    "cancelled",
)
#: A project's or membership's status is a stage (on a project: its last event on or before the date).
STATUSES = PROJECT_STAGES
#: Statuses of earlier versions of the data and the stage each became.
OLD_STATUSES = {"under_construction": "construction", "postponed": "suspended"}
ENTERPRISE_EVENTS = (
    "production_stopped",
    "bankruptcy_restructuring",
    "acquired",
    "renamed",
    "listed",
    "delisted",
    "licence_granted",
    "licence_renewed",
    "licence_expired",
    "licence_suspended",
    "licence_cancelled",
    "resumed",
)
#: Date columns that say when a fact holds or was checked, on every fact file.
DATED = ("valid_from", "valid_to", "retrieved_on")
OWNERSHIP_KINDS = ("SUBSIDIARY_OF", "INVESTS_IN")
CHEMISTRIES = ("lfp", "ncm", "ncm811", "any")
#: A membership's ``leader``: the source names the firm a world or national leader of the segment.
LEADER_LEVELS = ("world", "national")
