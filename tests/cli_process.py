"""``python -m analytics …`` for the tests, in a process of its own that starts with the libraries
already loaded.

A command's process spends about a second loading pandas, DuckDB and PyArrow before it does
anything (0.9 s of CPU here), and the suite runs about two hundred commands. `run_cli` forks each
command from a server process (multiprocessing's forkserver) that loaded them once, while it had no
thread and no database open. The command still runs in a process of its own: its own files, locks
and exit code, its output captured from file descriptors 1 and 2 like ``subprocess.run``'s. What it
leaves out is the interpreter's start and the entry point's two lines (``analytics/__main__.py``);
the tests that are about the process itself (which modules a command loads, the entry point, the
store shared between processes) start ``python -m analytics`` themselves.
"""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what every command loads (with them pandas, PyArrow and DuckDB); a command's own modules load in its
# process, as they would
_PRELOAD = ["cli", "data.access", "data.store"]
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(_PRELOAD)


def _command(args: list[str], env: dict[str, str], cwd: str, out: str, err: str) -> None:
    """In the forked process: the environment, folder, standard streams and arguments the command
    would have had, then the command; its exit code is the process's."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    for fd, path in ((0, os.devnull), (1, out), (2, err)):
        opened = os.open(path, os.O_RDONLY if fd == 0 else os.O_WRONLY | os.O_TRUNC)
        os.dup2(opened, fd)
        os.close(opened)
    # Python's own streams for a file that is not a terminal: UTF-8 here, stderr never refusing a character
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.argv = [str(ROOT / "analytics" / "__main__.py"), *args]
    from cli import main
    try:
        code = main(args)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    sys.exit(code)


def run_cli(args: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """What ``subprocess.run([python, "-m", "analytics", *args], capture_output=True, text=True)``
    gives: the exit code (negative for a signal), stdout and stderr as text with ``\\n`` line ends."""
    environment = dict(os.environ if env is None else env)
    with tempfile.TemporaryDirectory(prefix="cli-") as folder:
        out, err = os.path.join(folder, "out"), os.path.join(folder, "err")
        for path in (out, err):
            open(path, "wb").close()
        process = _context.Process(target=_command, args=(list(args), environment, str(cwd), out, err))
        # multiprocessing re-runs the parent's __main__ in the child, and AppTest leaves a page of the
        # dashboard there: the child gets an empty one for the moment of its start
        main, sys.modules["__main__"] = sys.modules["__main__"], types.ModuleType("__main__")
        try:
            process.start()
        finally:
            sys.modules["__main__"] = main
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["analytics", *args], timeout)
        stdout, stderr = (Path(path).read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
                          for path in (out, err))
    return subprocess.CompletedProcess([sys.executable, "-m", "analytics", *args], process.exitcode, stdout, stderr)
