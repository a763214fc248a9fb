"""Read a YAML file a person wrote, and nothing worse: no aliases (a few lines of ``&a [*a, *a, …]``
expand to gigabytes when walked), at most :data:`MAX_DEPTH` levels of nesting and :data:`MAX_BYTES`
of text; every problem names the file and line. The line of each key is kept so that later checks
can name it too."""

from __future__ import annotations

from pathlib import Path

from .common import problem

__all__ = ["load", "MAX_DEPTH", "MAX_BYTES"]

MAX_DEPTH = 20
MAX_BYTES = 1_000_000


def _loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader refusing aliases and deep nesting while it composes, before anything is built."""

        depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise yaml.composer.ComposerError(
                        None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                    )
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return yaml, Loader


def load(path: Path) -> tuple[object, dict[str, int]]:
    """The file's value, and the line of each key (``"source"``, ``"source.id"``, …)."""
    yaml, Loader = _loader()
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise problem(path, 0, "file", "no such file") from None
    if len(data) > MAX_BYTES:
        raise problem(path, 0, "file", f"larger than {MAX_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise problem(path, 0, "file", f"not valid UTF-8 (offset {e.start})") from None
    try:
        loader = Loader(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise problem(
            path, (mark.line + 1) if mark else 0, "yaml", " ".join(str(getattr(e, "problem", None) or e).split())
        ) from None
    except RecursionError:
        raise problem(path, 0, "yaml", f"nested deeper than {MAX_DEPTH} levels") from None
    return value, _lines(node)


def _lines(node, prefix: str = "", depth: int = 0) -> dict[str, int]:
    import yaml

    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode) and depth < 2:
        for k, v in node.value:
            key = f"{prefix}{k.value}"
            out[key] = k.start_mark.line + 1
            out.update(_lines(v, key + ".", depth + 1))
    return out
