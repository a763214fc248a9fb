"""The chain chief's pack (链长制 五图五清单): five maps, five lists, indicators and one printable
document for a park, every line sourced and dated."""

from .build import Pack, build_pack
from .write import write_pack

__all__ = ["Pack", "build_pack", "write_pack"]
