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

    code = "import sys, lithiumgraph.cli; print(sorted(m for m in ('networkx', 'neo4j', 'pyvis', 'rapidfuzz', 'ladybug', 'pyarrow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_readme_python_example_runs():
    import doctest
    import re

    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert result.failed == 0 and result.attempted >= 5


@pytest.mark.parametrize(
    "line", ["2 strong, 8 weak, 2 pipeline only, 31 missing of 43 segments", "facts sourced 2428/2428 100.0%"]
)
def test_readme_figures_match_the_data(line, runner):
    from lithiumgraph.cli import cli

    assert line in README
    out = runner.invoke(cli, ["gaps", "--park", "yichun-etdz"]).output + " ".join(
        runner.invoke(cli, ["stats"]).output.split()
    )
    assert line in out


def test_library_doctests():
    import doctest
    import importlib

    for name in (
        "dataset",
        "graph",
        "names",
        "summary",
        "analysis.gaps",
        "analysis.balance",
        "analysis.recommend",
        "analysis.risk",
        "synth",
        "cypher",
        "traverse",
        "frames",
        "output",
        "coverage",
    ):
        mod = importlib.import_module(f"lithiumgraph.{name}")
        result = doctest.testmod(mod)
        assert result.failed == 0, name


@pytest.mark.parametrize("args", [["path", "江西升华", "哪吒汽车"]])
def test_readme_console_examples_are_what_the_commands_print(args, runner):
    out = runner.invoke(cli, args).stdout
    assert f"$ lithiumgraph {' '.join(args)}\n{out}" in README


def test_every_readme_console_line_starts_as_the_command_prints_it(runner):
    """Shortened examples: each shown line, up to its '...' or '…', begins a line of the real output."""
    import re
    import shlex

    blocks = re.findall(r"```console\n\$ lithiumgraph ([^\n]*)\n(.*?)```", README, re.S)
    assert len(blocks) >= 6
    for cmd, shown in blocks:
        out = runner.invoke(cli, shlex.split(cmd.replace("\\$", "$"))).stdout
        real = [" ".join(x.split()) for x in out.splitlines()]
        for line in shown.splitlines():
            head = " ".join(re.split(r"\.\.\.|…", line)[0].split())
            if head:
                assert any(r.startswith(head) for r in real), (cmd, line)


def test_readme_counts_of_walks(runner):
    import json

    assert "lists the 21 segments that feed CATL" in README
    up = json.loads(
        runner.invoke(cli, ["upstream", "宁德时代", "--level", "segment", "--hops", "2", "--format", "json"]).stdout
    )
    assert len(up) == 21


def _numpydoc_section(doc: str, title: str) -> list[str] | None:
    """The entry names of a numpydoc section (``name : type`` lines at the title's indentation), or None."""
    import re

    lines = doc.splitlines() + [""]
    for i in range(len(lines) - 1):
        if lines[i].strip() != title or set(lines[i + 1].strip()) != {"-"}:
            continue
        indent = len(lines[i]) - len(lines[i].lstrip())
        names = []
        for j in range(i + 2, len(lines) - 1):
            entry = lines[j]
            lead = len(entry) - len(entry.lstrip())
            if not entry.strip():
                continue
            if lead < indent or entry.strip().startswith(">>>") or set(lines[j + 1].strip()) == {"-"}:
                break  # the docstring's end, an example or the next section's title
            if lead == indent:
                names.append(re.split(r"\s*:\s*", entry.strip(), maxsplit=1)[0])
        return names
    return None


def _public_functions():
    import inspect
    import lithiumgraph
    import lithiumgraph.analysis as analysis

    for mod in (lithiumgraph, analysis):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                yield f"{mod.__name__}.{name}", obj


@pytest.mark.parametrize("name,func", list(_public_functions()), ids=lambda x: x if isinstance(x, str) else "")
def test_public_functions_document_their_parameters(name, func):
    """numpydoc: a Parameters section naming every parameter of the signature, in order, and a Returns section."""
    import inspect

    doc = inspect.getdoc(func) or ""
    wanted = [
        ("**" if p.kind is p.VAR_KEYWORD else "*" if p.kind is p.VAR_POSITIONAL else "") + p.name
        for p in inspect.signature(func).parameters.values()
    ]
    assert _numpydoc_section(doc, "Parameters") == wanted, f"{name}: Parameters should name {wanted}"
    assert _numpydoc_section(doc, "Returns"), f"{name}: no Returns section"
