"""The built wheel works outside the source tree: it carries the curated data and the import mappings,
and its commands give the same answers as the source checkout."""

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from lithiumgraph.cli import cli

ROOT = Path(__file__).parents[1]
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "src", "graph_data", "imports"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv outside the repository with only the built wheel installed (its dependencies come
    from the interpreter running the tests, so nothing is fetched)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile)(ROOT / name, src / name)
    shutil.rmtree(src / "src" / "lithiumgraph.egg-info", ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp / "dist"),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp / "dist").glob("lithiumgraph-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies of the running interpreter (a venv of its own, perhaps), after the wheel's own
    parents = [p for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]] if Path(p).is_dir()]
    Path(purelib, "zz_dependencies.pth").write_text("\n".join(dict.fromkeys(parents)) + "\n", encoding="utf-8")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp / "elsewhere"
    work.mkdir()
    return venv, work


def run(venv, work, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_installed_package_is_the_wheel_with_its_data(installed):
    venv, work = installed
    r = run(
        venv,
        work,
        "python",
        "-c",
        "import lithiumgraph, lithiumgraph.dataset as d; print(lithiumgraph.__file__); print(d.default_data_dir())",
    )
    assert r.returncode == 0, r.stderr
    module, data = r.stdout.splitlines()
    assert module.startswith(str(venv)) and data.startswith(str(venv))
    assert sorted(p.name for p in Path(data).glob("*.csv")) == sorted(
        p.name for p in (ROOT / "graph_data").glob("*.csv")
    )
    mapping = Path(data).parent / "imports" / "chainkg" / "product_segments.csv"
    assert mapping.read_bytes() == (ROOT / "imports" / "chainkg" / "product_segments.csv").read_bytes()


def test_gaps_and_report_from_the_wheel(installed, runner, tmp_path):
    venv, work = installed
    r = run(venv, work, "lithiumgraph", "gaps", "--park", "yichun-etdz")
    assert r.returncode == 0, r.stderr
    assert r.stdout == runner.invoke(cli, ["gaps", "--park", "yichun-etdz"]).stdout
    r = run(venv, work, "lithiumgraph", "report", "--park", "yichun-etdz", "-o", "report")
    assert r.returncode == 0, r.stderr
    assert (work / "report" / "report.md").read_text(encoding="utf-8").startswith("#")
    assert (work / "report" / "report.html").stat().st_size > 1000


def test_python_dash_m_and_the_metadata(installed):
    venv, work = installed
    r = run(venv, work, "python", "-m", "lithiumgraph", "--version")
    assert r.returncode == 0 and "0.1.0" in r.stdout, r.stderr
    # what the installed wheel says of itself, read by importlib.metadata in the fresh venv
    r = run(
        venv,
        work,
        "python",
        "-c",
        "import importlib.metadata as m, json; md = m.metadata('lithiumgraph'); "
        "dist = m.distribution('lithiumgraph'); "
        "lic = [f for f in dist.files if f.parts[0].endswith('.dist-info') and f.name.startswith('LICENSE')]; "
        "print(json.dumps({'license': md['License'], 'classifiers': md.get_all('Classifier'), "
        "'urls': md.get_all('Project-URL'), 'requires_python': md['Requires-Python'], "
        "'licence_files': [str(f) for f in lic], 'licence_text': lic[0].read_text() if lic else ''}))",
    )
    assert r.returncode == 0, r.stderr
    md = json.loads(r.stdout)
    assert md["license"] == "Apache-2.0" and "License :: OSI Approved :: Apache Software License" in md["classifiers"]
    assert md["requires_python"] == ">=3.10"
    # PyPI refuses an upload with a classifier it does not know
    trove = pytest.importorskip("trove_classifiers")
    assert [c for c in md["classifiers"] if c not in trove.classifiers] == []
    urls = dict(u.split(", ", 1) for u in md["urls"])
    assert sorted(urls) == ["Documentation", "Homepage", "Issues", "Source"]
    assert all(u.startswith(urls["Source"]) for u in urls.values()) and urls["Issues"] == urls["Source"] + "/issues"
    # the licence travels in the wheel, the same text as the repository's
    assert len(md["licence_files"]) == 1, md["licence_files"]
    assert md["licence_text"] == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert (
        md["licence_text"].lstrip().startswith("Apache License") and "Version 2.0, January 2004" in md["licence_text"]
    )
