"""A real PostgreSQL server for the tests and benchmarks, started from the distribution's binaries in a
throwaway data directory and stopped afterwards.

PostgreSQL refuses to run as root, and the tests run as root in CI: then the server runs as the unprivileged
`postgres` user that the Debian package creates (`setpriv` drops to it; the data directory is that user's),
while the tests, as root, connect over its Unix socket. Run as any other user, the server is that user's.
The server listens on no TCP port at all (a socket in its own directory), so two runs never clash.

Without the binaries the PostgreSQL tests skip, saying how to enable them; WARROOM_REQUIRE_POSTGRES=1 (set by
.ci/run) turns that skip into a failure."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENABLE = (
    "PostgreSQL tests skipped: no PostgreSQL server binaries found. Install them (apt-get install postgresql) or "
    "set WARROOM_PG_BIN to the folder holding initdb and pg_ctl; CI sets WARROOM_REQUIRE_POSTGRES=1 to require them"
)
REQUIRED = os.environ.get("WARROOM_REQUIRE_POSTGRES") == "1"
USER = "warroom"  # the server's superuser, in the cluster only


class Unavailable(Exception):
    """No server can be started here; the message says why and how to enable it."""


def bin_dir() -> Path | None:
    given = os.environ.get("WARROOM_PG_BIN")
    found = [given] if given else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if not given and shutil.which("pg_ctl"):
        found.append(str(Path(shutil.which("pg_ctl") or "").parent))
    return next((Path(d) for d in found if (Path(d) / "pg_ctl").exists() and (Path(d) / "initdb").exists()), None)


def _as_server_user() -> tuple[list[str], int | None, int | None]:
    """The command prefix that runs the server's commands, and the uid/gid that owns its data directory."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable(
            "running as root, and there is no unprivileged `postgres` user to run the server as"
        ) from None
    return ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--"], pw.pw_uid, pw.pw_gid


@contextmanager
def server() -> Iterator[str]:
    """Start a server; yield the URL of its `postgres` database (for creating others); stop and delete it."""
    bins = bin_dir()
    if bins is None:
        raise Unavailable(ENABLE)
    prefix, uid, gid = _as_server_user()
    home = Path(tempfile.mkdtemp(prefix="warroom-pg-"))
    data = home / "data"
    if uid is not None and gid is not None:
        os.chown(home, uid, gid)
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, env=env, cwd=home, check=False)
        if done.returncode != 0:
            raise Unavailable(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")

    try:
        run(
            str(bins / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )
        # Durability off: a test server that loses its data on a crash loses nothing anyone needs.
        options = f"-k {home} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        run(str(bins / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-o", options, "-w", "-t", "60", "start")
        try:
            yield f"postgresql://{USER}@/postgres?host={home}"
        finally:
            subprocess.run([*prefix, str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, cwd=home, check=False)  # fmt: skip
    finally:
        shutil.rmtree(home, ignore_errors=True)


def new_database(admin_url: str) -> str:
    """A fresh, empty database on the server; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.replace("@/postgres?", f"@/{name}?")
