"""`make org`: the organisation set-up on one machine, to see it work. Debian's PostgreSQL in
store/org/ (the DuckLake catalog), the Parquet data in store/org/lake-data (the shared folder), the
demo loaded once, and two dashboard replicas on two ports sharing that one store. Ctrl-C (or
SIGTERM) stops everything it started; the next `make org` finds the data again.

    python scripts/org.py [--ports 8501,8502]

A deployment puts the same pieces on real machines (README, "Deployment: one store for the
organisation"): the catalog's PostgreSQL, a folder every replica mounts (or S3-compatible
storage), N replicas behind a load balancer with sticky sessions, the nightly import on any host.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.local_postgres import LocalPostgres, free_port  # noqa: E402

FOLDER = ROOT / "store" / "org"


def remembered(name: str, make) -> str:
    """A value kept in store/org/<name> (the port, the password), made on the first run."""
    path = FOLDER / name
    if not path.exists():
        path.write_text(str(make()))
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--ports", default="8501,8502", help="the replicas' ports, comma-separated")
    ports = [int(port) for port in options.parse_args().ports.split(",")]
    FOLDER.mkdir(parents=True, exist_ok=True)
    server = LocalPostgres(FOLDER / "postgres", int(remembered("port", free_port)),
                           remembered("password", lambda: secrets.token_urlsafe(18)))
    data = FOLDER / "lake-data"
    data.mkdir(exist_ok=True)
    replicas: list[subprocess.Popen] = []
    server.start()
    try:
        server.create_database("lake")
        env = {**os.environ, "DASHBOARD_STORE": server.target("lake"), "DASHBOARD_LAKE_DATA": str(data)}
        subprocess.run([sys.executable, "-m", "analytics", "demo", "--if-empty"], cwd=ROOT, env=env, check=True)
        for port in ports:
            replicas.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "localhost",
                 "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        print(f"PostgreSQL (DuckLake catalog): 127.0.0.1:{server.port}, database lake, folder store/org/postgres")
        print("Shared data folder:", data.relative_to(ROOT))
        for port in ports:
            print(f"Replica: http://localhost:{port}")
        print("An import into the same store from another shell (the password is in store/org/password):")
        print(f"  DASHBOARD_STORE='{server.target('lake', password='PASSWORD')}' "
              f"DASHBOARD_LAKE_DATA={data.relative_to(ROOT)} python -m analytics import FILE")
        print("Ctrl-C stops the replicas and PostgreSQL.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(replica.poll() is None for replica in replicas):
            time.sleep(1)
        print("A replica stopped; stopping everything.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            try:
                replica.wait(timeout=10)
            except subprocess.TimeoutExpired:
                replica.kill()
        server.stop()
        print("Stopped: replicas and PostgreSQL.")


if __name__ == "__main__":
    sys.exit(main())
