"""Imports of outside data sets into data directories to layer over graph_data/: tables through a
mapping file (:mod:`.mapping`, :mod:`.table`), ChainKnowledgeGraph (:mod:`.chainkg`); what they share is in :mod:`.common`."""

from __future__ import annotations

from .chainkg import CHAINKG_SOURCE, ChainKGSummary, import_chainkg
from .mapping import Mapping, read_mapping
from .table import ImportSummary, import_table

__all__ = [
    "Mapping",
    "ImportSummary",
    "read_mapping",
    "import_table",
    "CHAINKG_SOURCE",
    "ChainKGSummary",
    "import_chainkg",
]
