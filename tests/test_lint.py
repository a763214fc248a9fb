"""The code stays lint-clean and type-checked: ruff and mypy (configured in pyproject.toml) pass on src/."""
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


def test_ruff_check_is_clean():
    r = subprocess.run(_tool("ruff") + ["check", "src"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_is_clean():
    cache = ROOT / ".cache" / "mypy"
    r = subprocess.run(_tool("mypy") + ["--cache-dir", str(cache)], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("Success: no issues found")
