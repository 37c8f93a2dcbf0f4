"""Clean shutdown: SIGTERM or SIGINT to `aimaq build` alone (not its process group) stops
the build, its pools and the resource tracker, leaves output/ as it was and no staging
folder, prints one line and no traceback; pool workers die with their parent even when it
is killed outright."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import aimaq
from aimaq import output as output_module
from aimaq.output import MARKER, staging_path, write_site

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[1]
#: The builds import the package the tests import (the worktree's, through a shim folder
#: holding ``aimaq``, or the installed one).
PACKAGE_PARENT = str(Path(aimaq.__file__).parents[1])
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([PACKAGE_PARENT, str(ROOT)]),
           AIMAQ_WORKERS="2", CI="1")


def _descendants(proc, seen: dict) -> None:
    for child in proc.children(recursive=True):
        try:
            # The latest command line: a child just forked still shows its parent's.
            seen[child.pid] = (child, " ".join(child.cmdline()))
        except psutil.Error:
            pass


def _alive(seen: dict, within: float = 5.0) -> list[str]:
    deadline = time.time() + within
    while True:
        alive = [cmd for child, cmd in seen.values()
                 if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.time() > deadline:
            return alive
        time.sleep(0.1)


def _start(args, cwd):
    return subprocess.Popen([sys.executable, *args], cwd=cwd, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_for(proc, seen: dict, ready, timeout: float = 120.0) -> None:
    me = psutil.Process(proc.pid)
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        _descendants(me, seen)
        if ready(seen):
            return
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"the stage never came (exit {proc.poll()}): {proc.communicate()[1][-500:]}")


@pytest.fixture
def bundled_copy(tmp_path) -> Path:
    """The bundled site with no render cache (so chart images are drawn in a pool) and an
    output folder a previous build left."""
    site = tmp_path / "site"
    site.mkdir()
    for name in ("site.yaml", "data", "content", "templates"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, site / name)
    out = site / "output"
    out.mkdir()
    (out / MARKER).write_text("")
    (out / "index.html").write_text("the previous build")
    return site


def _spawned_workers(seen: dict) -> bool:
    return any("spawn_main" in cmd for _, cmd in seen.values()) and \
        any("resource_tracker" in cmd for _, cmd in seen.values())


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_chart_drawing_stops_everything(bundled_copy, signum, code):
    proc = _start(["-m", "aimaq", "build"], bundled_copy)
    seen: dict = {}
    # The image workers start with the build: wait until they draw (the first image is in).
    _wait_for(proc, seen, lambda seen: _spawned_workers(seen)
              and (bundled_copy / ".cache" / "charts").is_dir())
    proc.send_signal(signum)                 # the build alone, not its process group
    out, err = proc.communicate(timeout=180)     # generous: a busy machine is slow to clean up
    assert proc.returncode == code
    assert err.strip() == "aimaq: interrupted" and "Traceback" not in out + err
    assert _alive(seen) == []
    assert any("resource_tracker" in cmd for _, cmd in seen.values())
    assert sorted(p.name for p in bundled_copy.iterdir()) == [
        ".cache", "content", "data", "output", "site.yaml", "templates"]
    assert (bundled_copy / "output/index.html").read_text() == "the previous build"


POOL_SCRIPT = textwrap.dedent("""
    import multiprocessing, os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from aimaq.parallel import fork_map, worker_init

    def nap(x):
        time.sleep(60)

    if __name__ == "__main__":
        if sys.argv[1] == "spawn":
            pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=worker_init, initargs=(os.getpid(),))
            list(pool.map(nap, range(4)))
        else:
            fork_map(nap, list(range(100)))
""")


@pytest.mark.parametrize("kind, marker", [("spawn", "spawn_main"), ("fork", "pool.py")])
def test_workers_exit_when_their_parent_is_killed_outright(tmp_path, kind, marker):
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    proc = _start([str(script), kind], tmp_path)
    seen: dict = {}
    _wait_for(proc, seen, lambda s: sum(marker in c for _, c in s.values()) >= 2, 180)
    time.sleep(0.5)                          # the workers run their initializer
    proc.kill()                              # no clean-up at all: SIGKILL
    proc.communicate(timeout=120)
    assert _alive(seen) == []


def test_fork_pool_workers_stop_with_a_sigterm_to_the_build(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT.replace(
        'if __name__ == "__main__":',
        'if __name__ == "__main__":\n    from aimaq.cli import _handle_signals\n'
        '    _handle_signals()'))
    proc = _start([str(script), "fork"], tmp_path)
    seen: dict = {}
    _wait_for(proc, seen, lambda s: sum("pool.py" in c for _, c in s.values()) >= 2, 180)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert _alive(seen) == []
    assert "BrokenPipeError" not in err


def test_an_interrupted_write_leaves_output_and_no_staging(tmp_path, monkeypatch):
    out = tmp_path / "output"
    write_site({"index.html": b"previous", "a.html": b"a"}, out)
    calls = []

    def interrupted_target(root, rel, folders=None):
        calls.append(rel)
        if len(calls) == 2:
            raise KeyboardInterrupt               # what the signal handler raises
        return real_target(root, rel, folders)

    real_target = output_module._target
    monkeypatch.setattr(output_module, "_target", interrupted_target)
    with pytest.raises(KeyboardInterrupt):
        write_site({"index.html": b"new", "a.html": b"new", "b.html": b"new"}, out)
    assert not staging_path(out).exists()
    assert (out / "index.html").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_a_signal_while_the_previous_build_is_removed_still_removes_it(tmp_path, monkeypatch):
    out = tmp_path / "output"
    write_site({"index.html": b"previous"}, out)
    real_rmtree = shutil.rmtree
    calls = []

    def interrupted_rmtree(path, *args, **kwargs):
        calls.append(path)
        if Path(path) == staging_path(out) and len(calls) == 1:
            raise KeyboardInterrupt         # the signal, while the old build is removed
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(output_module.shutil, "rmtree", interrupted_rmtree)
    with pytest.raises(KeyboardInterrupt):
        write_site({"index.html": b"new"}, out)
    assert (out / "index.html").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
