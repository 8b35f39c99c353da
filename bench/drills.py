"""The long fault drill, run by hand: restart PostgreSQL under load (`python -m bench.drills`).

It restarts the server every other program on the machine uses too, so `make test` never runs it;
the short drills are tests/e2e/test_fault_drills.py. With `corral projector` and `corral serve` running,
lead clients sending keyed nudges over HTTP (each retried with its key until answered) and websocket
clients following the programme's audit trail, it restarts PostgreSQL, then checks that nothing
acknowledged was lost, nothing was applied twice, the views equal a fresh rebuild and every client
converged, and prints a summary. Exits 1 if any check fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import psycopg2

from api.storage.wiring import build_application
from bench.fault_load import Followers, KeyedLoad, eventually, set_stage
from bench.faults import Cluster, nudges_logged, wait_caught_up
from bench.stores import POSTGRES_URL, postgres_store
from bench.workload import head

NUDGES_PER_CLIENT = 60
FOLLOWERS = 20


def restart_postgresql() -> float:
    """Restart the machine's PostgreSQL cluster; the seconds until it accepts connections again."""
    began = time.monotonic()
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    eventually(_answers, 60, "PostgreSQL accepting connections")
    return time.monotonic() - began


def _answers() -> bool:
    try:
        psycopg2.connect(POSTGRES_URL.replace("postgresql+psycopg2://", "postgresql://"), connect_timeout=2).close()
    except psycopg2.OperationalError:
        return False
    return True


def main() -> int:
    """Run the drill and print what it found."""
    with postgres_store() as settings, TemporaryDirectory(prefix="corral-drill-") as folder:
        app = build_application(settings)
        stage = set_stage(app)
        start = head(app)
        app.close()
        cluster = Cluster(settings, Path(folder))
        with cluster.running() as server:
            wait_caught_up(settings, start)
            followers = Followers.of(server, stage, start, FOLLOWERS)
            began = time.monotonic()
            with followers:
                with KeyedLoad(server, stage, NUDGES_PER_CLIENT, seconds=120) as load:
                    eventually(lambda: load.answered >= 40, 60, "forty nudges answered")
                    acknowledged_before = load.acknowledged
                    outage = restart_postgresql()
                app = build_application(settings)  # its connections went with the restart
                try:
                    settled = cluster.settle(app, timeout=60)
                    changes = [p for p in settled.log if p > start]
                    followers.wait_for(changes, timeout=60)
                    logged = nudges_logged(app)
                finally:
                    app.close()
            elapsed = time.monotonic() - began

    senders, in_log, audit, verified = load.senders, settled.log, settled.audit, settled.verified
    sent = [m for s in senders for m in s.messages]
    acknowledged = [m for s in senders for m in s.acknowledged]
    checks = {
        "every request answered with a 2xx in the end": len(acknowledged) == len(sent),
        "every acknowledged nudge in the log": all(logged[m] >= 1 for m in acknowledged),
        "no nudge in the log twice": all(count == 1 for count in logged.values()),
        "each event applied once (audit rows = log positions)": audit == in_log,
        "views equal a fresh rebuild (corral projections verify)": verified.returncode == 0,
        "every websocket client heard every change once, in order": followers.converged(changes) == [],
        "no client had to resync": followers.resyncs == 0,
    }
    print("Drill: restart PostgreSQL under load")
    print(f"  keyed HTTP nudges: {len(sent)} sent by {len(senders)} clients; {acknowledged_before} acknowledged")
    print(f"  before the restart, {len(acknowledged)} in the end, after {sum(s.retries for s in senders)} retries")
    print(f"  PostgreSQL back after {outage:.1f}s; the whole run took {elapsed:.1f}s")
    print(f"  log: {len(in_log)} events; {len(changes)} changes followed by {FOLLOWERS} websocket clients")
    for name, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    if verified.returncode != 0:
        print(verified.stdout + verified.stderr)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
