"""Output paths: a file output replaces only a regular file (never a device, FIFO, socket, directory or
symbolic link), a set of files is swapped in whole, and what a killed writer left is cleaned up (or put
back) by the next run."""

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import networkx as nx
import pytest

from lithiumgraph.cli import cli
from lithiumgraph.errors import LithiumGraphError
from lithiumgraph.export import export
from lithiumgraph.output import clean_stale, file_target, staged_dir

MINI = str(Path(__file__).parent / "fixtures" / "mini")


def _special_files(tmp_path) -> dict[str, Path]:
    """A FIFO, a socket, a directory and (as root) a character device like /dev/null, all private to the test."""
    out = {"a FIFO": tmp_path / "fifo", "a socket": tmp_path / "sock", "a directory": tmp_path / "dir"}
    os.mkfifo(out["a FIFO"])
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(out["a socket"]))
    s.close()
    out["a directory"].mkdir()
    if os.geteuid() == 0:  # a private copy of /dev/null's device node (1, 3)
        out["a character device"] = tmp_path / "null"
        os.mknod(out["a character device"], stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return out


@pytest.mark.parametrize(
    "command", [["export", "--to", "json"], ["export", "--to", "graphml"], ["export", "--to", "gexf"], ["explore"]]
)
def test_export_refuses_devices_fifos_sockets_and_directories_as_file_outputs(runner, tmp_path, command):
    for kind, path in _special_files(tmp_path).items():
        mode = os.lstat(path).st_mode
        r = runner.invoke(cli, command + ["-o", str(path), "--data", MINI])
        assert r.exit_code == 1 and r.output == f"Error: {path} is {kind}, not a regular file; name a file to write\n"
        assert os.lstat(path).st_mode == mode, kind  # untouched
    assert not [p for p in tmp_path.iterdir() if ".lg-" in p.name]


def test_dev_null_is_refused_before_anything_is_written():
    with pytest.raises(LithiumGraphError, match=r"^/dev/null is a character device, not a regular file"):
        file_target("/dev/null")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_symbolic_link_is_not_followed_out_of_the_named_path(runner, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.json").write_text("keep me")
    (tmp_path / "link.json").symlink_to(outside / "victim.json")
    (tmp_path / "linkdir").symlink_to(outside)
    r = runner.invoke(cli, ["export", "--to", "json", "-o", str(tmp_path / "link.json"), "--data", MINI])
    assert r.exit_code == 1 and r.output == (
        f"Error: {tmp_path / 'link.json'} is a symbolic link (to {outside / 'victim.json'}); name the file itself\n"
    )
    for args in (["export", "--to", "csv"], ["report", "--park", "park-a"], ["synth", "--enterprises", "3"]):
        r = runner.invoke(
            cli, args + ["-o", str(tmp_path / "linkdir")] + (["--data", MINI] if args[0] != "synth" else [])
        )
        assert r.exit_code == 1 and r.output == (
            f"Error: {tmp_path / 'linkdir'} is a symbolic link (to {outside}); name the directory itself\n"
        ), args
    assert (outside / "victim.json").read_text() == "keep me" and sorted(os.listdir(outside)) == ["victim.json"]


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--to", "csv", "--data", MINI],
        ["export", "--to", "neo4j-import", "--data", MINI],
        ["report", "--park", "park-a", "--data", MINI],
        ["synth", "--enterprises", "3"],
    ],
)
def test_multi_file_outputs_refuse_a_directory_holding_other_files_or_a_file(runner, tmp_path, args):
    d = tmp_path / "d"
    d.mkdir()
    (d / "notes.txt").write_text("mine")
    r = runner.invoke(cli, args + ["-o", str(d)])
    assert (
        r.exit_code == 1
        and r.output == f"Error: {d} holds other files (notes.txt); write into a new or empty directory\n"
    )
    assert os.listdir(d) == ["notes.txt"]
    r = runner.invoke(cli, args + ["-o", str(d / "notes.txt")])
    assert (
        r.exit_code == 1
        and r.output == f"Error: {d / 'notes.txt'} is a file, not a directory; name a directory to write\n"
    )
    r = runner.invoke(cli, args + ["-o", str(tmp_path / "new")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, args + ["-o", str(tmp_path / "new")])  # again: its own files may be replaced
    assert r.exit_code == 0, r.output
    assert not [p for p in tmp_path.iterdir() if ".lg-" in p.name]


def _graph(generation: int, size: int = 3000) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i in range(size):
        G.add_node(f"n{i}", kind="Enterprise", note=f"gen{generation}")
    for i in range(size - 1):
        G.add_edge(f"n{i}", f"n{i + 1}", key="SUPPLIES", kind="SUPPLIES", note=f"gen{generation}")
    return G


def test_a_reader_sees_the_old_pair_or_the_new_pair_never_a_mix(tmp_path):
    """A reader that opens the directory once and then both files never gets nodes of one export and
    edges of another, while exports of two different graphs replace each other."""
    out = tmp_path / "pair"
    export(_graph(0), "csv", out)
    stop, seen, mixed = threading.Event(), set(), []

    def read():
        while not stop.is_set():
            try:
                fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    texts = [
                        os.read(h, 40000).decode().splitlines()[1].rsplit(",", 1)[-1]
                        for h in (os.open(n, os.O_RDONLY, dir_fd=fd) for n in ("nodes.csv", "edges.csv"))
                    ]
                finally:
                    os.close(fd)
            except FileNotFoundError:  # the old set was removed after the swap: open again
                continue
            seen.add(texts[0])
            if texts[0] != texts[1]:
                mixed.append(texts)

    t = threading.Thread(target=read)
    t.start()
    for g in range(1, 13):
        export(_graph(g % 2), "csv", out)
    stop.set()
    t.join()
    assert not mixed and seen == {"gen0", "gen1"}


CRASH = """
import os, sys
import lithiumgraph.output as o
o._exchange = lambda a, b: False          # a system without an atomic exchange
real, calls = os.rename, []
def rename(a, b):
    calls.append(1)
    if len(calls) == 2:                   # killed after the old set was moved aside
        os._exit(9)
    real(a, b)
os.rename = rename
with o.staged_dir(sys.argv[1]) as tmp:
    (tmp / "nodes.csv").write_text("new")
"""


def test_a_crash_between_moving_the_old_set_aside_and_the_new_one_in_loses_nothing(tmp_path):
    out = tmp_path / "imported"
    out.mkdir()
    (out / "nodes.csv").write_text("old")
    r = subprocess.run([sys.executable, "-c", CRASH, str(out)])
    assert r.returncode == 9 and not out.exists()
    assert [p.read_text() for p in tmp_path.glob(".imported.lg-old-*/nodes.csv")] == ["old"]
    clean_stale(out)  # what the next run does first
    assert (out / "nodes.csv").read_text() == "old" and sorted(os.listdir(tmp_path)) == ["imported"]


def test_what_a_killed_writer_left_is_removed_by_the_next_run(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (tmp_path / f".g.json.lg-tmp-{pid}-abc").write_text("half")
    (tmp_path / f".pair.lg-new-{pid}-abc").mkdir()
    mine = tmp_path / f".g.json.lg-tmp-{os.getpid()}-live"  # a live writer's file stays
    mine.write_text("busy")
    export(_graph(0, 5), "json", tmp_path / "g.json")
    export(_graph(0, 5), "csv", tmp_path / "pair")
    assert sorted(os.listdir(tmp_path)) == sorted(["g.json", "pair", mine.name])


def test_an_error_inside_a_staged_directory_changes_nothing(tmp_path):
    out = tmp_path / "set"
    out.mkdir()
    (out / "a.csv").write_text("old")
    with pytest.raises(RuntimeError):
        with staged_dir(out, {"a.csv"}) as tmp:
            (tmp / "a.csv").write_text("new")
            raise RuntimeError("half-way")
    assert (out / "a.csv").read_text() == "old" and sorted(os.listdir(tmp_path)) == ["set"]
