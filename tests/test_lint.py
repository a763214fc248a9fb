"""The code stays lint-clean and type-checked: ruff and mypy (configured in pyproject.toml) pass on src/, no
function in src/ grows past 80 lines (docstring included) and no module past 450, so each keeps to one job."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _tool(name):
    try:
        __import__(name)
    except ImportError:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", name]


LINTED = ["src", "tests", "benchmarks", "scripts"]


def test_ruff_check_is_clean():
    r = subprocess.run(_tool("ruff") + ["check", *LINTED], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format_is_clean():
    """The tree is as ``ruff format`` writes it (pyproject.toml: 120 columns, double quotes, no magic trailing
    comma), so a diff shows what changed and never how it was laid out."""
    r = subprocess.run(
        _tool("ruff") + ["format", "--check", *LINTED], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_is_clean():
    cache = ROOT / ".cache" / "mypy"
    r = subprocess.run(
        _tool("mypy") + ["--cache-dir", str(cache)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("Success: no issues found")


#: Functions that are data tables and may run longer ("module.py:function"); none today.
LONG_DATA_TABLES: set[str] = set()
MAX_FUNCTION_LINES = 80


def test_no_function_over_80_lines():
    long = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                where = f"{path.relative_to(ROOT / 'src').as_posix()}:{node.name}"
                if n > MAX_FUNCTION_LINES and where not in LONG_DATA_TABLES:
                    long.append(f"{where} ({n} lines, line {node.lineno})")
    assert not long, "functions over 80 lines: " + "; ".join(long)


MAX_MODULE_LINES = 450


def test_no_module_over_450_lines():
    long = [
        f"{p.relative_to(ROOT / 'src').as_posix()} ({n} lines)"
        for p in sorted((ROOT / "src").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, "modules over 450 lines: " + "; ".join(long)
