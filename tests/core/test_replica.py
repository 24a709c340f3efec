"""Read-only public traffic goes to a PostgreSQL read replica, everything else to the primary —
proved against a real primary and its streaming standby, two PostgreSQL servers this test starts
from the machine's own binaries (its own data directories and ports; the machine's server is not
touched)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from learnweek.core.replica import ReplicaRouter, reads_from_replica

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
# Below Linux's ephemeral range (32768–60999): a client connection's local port there once took
# the fixed 55432 the primary wanted (TIME_WAIT after a load test), and the server could not bind.
FIRST_PORT = 25432


def _free_ports(count: int) -> list[int]:
    found: list[int] = []
    port = FIRST_PORT
    while len(found) < count:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                pass
            else:
                found.append(port)
        port += 1
    return found


def _client(port: int) -> list[str]:
    """How psql and pg_basebackup reach a server of the pair."""
    return ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else (Path(p).parent if (p := shutil.which("pg_ctl")) else None)


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """Fixed commands of this test, never input."""
    return subprocess.run(command, capture_output=True, **options)  # noqa: S603


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as the postgres account."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="module")
def pair():
    pg = _bin()
    if connection.vendor != "postgresql" or pg is None:
        pytest.skip("needs PostgreSQL's server binaries (initdb, pg_basebackup, pg_ctl)")
    # Under /tmp itself: the postgres account cannot enter pytest's own (root-only) folders.
    root = Path(tempfile.mkdtemp(prefix="learnweek-replication-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary, replica = root / "primary", root / "replica"
    primary_port, replica_port = _free_ports(2)
    settings = [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        f"unix_socket_directories={root}",
        "-c",
        "fsync=off",
    ]

    def start(data: Path, port: int) -> None:
        options = " ".join([f"-p {port}", *settings])
        run(
            _as_postgres(
                str(pg / "pg_ctl"), "-D", str(data), "-o", options, "-l", f"{data}.log", "-w", "start"
            ),
            check=True,
        )

    run(
        _as_postgres(str(pg / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync"),
        check=True,
    )
    start(primary, primary_port)
    try:
        run(
            _as_postgres(
                str(pg / "pg_basebackup"),
                *_client(primary_port),
                "-D",
                str(replica),
                "-R",
                "-X",
                "stream",
            ),
            check=True,
        )
        start(replica, replica_port)
        yield primary_port, replica_port
    finally:
        for data in (replica, primary):
            if data.exists():
                run(_as_postgres(str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"))
        shutil.rmtree(root, ignore_errors=True)


def test_public_reads_go_to_the_replica_and_the_rest_to_the_primary(pair, tmp_path):
    primary_port, replica_port = pair
    run(
        [
            shutil.which("psql") or "psql",
            *_client(primary_port),
            "-c",
            "CREATE DATABASE lw",
        ],
        check=True,
    )
    env = os.environ | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary_port}/lw",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica_port}/lw",
        "LEARNWEEK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "learnweek.config.settings",
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": "testserver",
        "HTTPS": "0",
    }
    env.pop("REDIS_URL", None)
    learnweek = [sys.executable, "-m", "learnweek"]
    for step in (["migrate", "--noinput", "-v", "0"], ["load-divisions"]):
        run([*learnweek, *step], env=env, check=True, cwd=ROOT)
    probe = run(
        [sys.executable, "tests/core/replica_probe.py"],
        env=env,
        check=True,
        cwd=ROOT,
        text=True,
    )
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["ports"] == {"default": primary_port, "replica": replica_port}
    assert found["public page"] == {"status": 200, "servers": ["replica"]}
    assert found["finder"] == {"status": 200, "servers": ["replica"]}
    assert found["public API"] == {"status": 200, "servers": ["replica"]}
    assert found["back office"] == {"status": 200, "servers": ["primary"]}
    assert found["signed-in public page"] == {"status": 200, "servers": ["primary"]}
    assert "replica" not in found["registration"]["servers"]


def test_without_a_replica_nothing_is_routed(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/activities/")
    request.user = AnonymousUser()
    assert reads_from_replica(request)  # would go to a replica, were one configured
    assert ReplicaRouter().db_for_read(None) is None  # none is: the primary
