"""Docs that cannot drift: every command has help text, an example, and a place in the README."""
from pathlib import Path

import pytest

from lithiumgraph.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented(name):
    cmd = cli.commands[name]
    assert cmd.help and "Example: lithiumgraph " in cmd.help
    assert f"lithiumgraph {name}" in README


def test_help_is_quick_to_import():
    """--help must not import the heavy libraries."""
    import subprocess
    import sys
    code = "import sys, lithiumgraph.cli; print(sorted(m for m in ('networkx', 'neo4j', 'pyvis', 'rapidfuzz') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
