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
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import psycopg2

from api.storage.wiring import build_application
from bench.live_servers import free_port
from bench.faults import (
    Followers,
    KeyedSender,
    Service,
    audit_positions,
    corral_env,
    eventually,
    head,
    log_positions,
    nudges_logged,
    services,
    set_stage,
    sign_in,
    verify,
    wait_caught_up,
)
from bench.stores import POSTGRES_URL, postgres_store
from domain.milestones import Quarter

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
        env = corral_env(settings, Path(folder))
        server = Service(env, "serve", port=free_port())
        with services(Service(env, "projector").start(), server.start()):
            wait_caught_up(settings, start)
            senders = [
                KeyedSender(server.http, sign_in(server.http, "lead"), stage, q, NUDGES_PER_CLIENT) for q in Quarter
            ]
            followers = Followers(server.live, sign_in(server.http, "gill"), stage.topic, start, FOLLOWERS)
            deadline = time.monotonic() + 120
            threads = [threading.Thread(target=s.run, args=(deadline,)) for s in senders]
            began = time.monotonic()
            with followers:
                for thread in threads:
                    thread.start()
                eventually(lambda: sum(len(s.answers) for s in senders) >= 40, 60, "forty nudges answered")
                acknowledged_before = sum(len(s.acknowledged) for s in senders)
                outage = restart_postgresql()
                for thread in threads:
                    thread.join()
                app = build_application(settings)
                try:
                    wait_caught_up(settings, head(app), timeout=60)
                    changes = [p for p in log_positions(app) if p > start]
                    followers.wait_for(changes, timeout=60)
                    logged = nudges_logged(app)
                    in_log = log_positions(app)
                finally:
                    app.close()
            elapsed = time.monotonic() - began
            verified = verify(env)
            audit = audit_positions(settings)

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
