"""Run a command against an embedded PostgreSQL when no DATABASE_URL is given.

    python tools/embedded_postgres.py --data var/postgres -- <command ...>   (make run)
    python tools/embedded_postgres.py --temporary -- <command ...>           (make test)

PostgreSQL is the product's only database engine (../shared/style.md, "One engine"). A laptop
with only Python gets a real PostgreSQL 16 from the `pgserver` wheel in the virtualenv: this
script initialises a data directory, starts the server on a unix socket (no TCP port, nothing
to collide with), creates the `kla` database, runs the command with DATABASE_URL pointing at it
and stops the server when the command ends, whatever way it ends. `--data` keeps the data for the
next run; `--temporary` throws it away and turns durability off, which a test run does not need.

With DATABASE_URL already set (CI against the machine's server, production) the command runs
as it is and nothing is started. This file imports nothing from the project: it is a tool for
the developer's machine and is not needed in the production image.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

DATABASE = "kla"
USER = "postgres"
# A unix socket path may be at most 107 bytes; the socket file name adds 17.
MAX_SOCKET_DIR = 80
# Settings for a throw-away test server: nothing it holds needs to survive a crash.
SCRATCH_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def say(message: str) -> None:
    print(f"[postgres] {message}", flush=True)


class EmbeddedPostgres:
    def __init__(self, data: Path, *, scratch: bool):
        try:
            with warnings.catch_warnings():  # pgserver asks for a runtime folder it is not used for here
                warnings.simplefilter("ignore")
                from pgserver._commands import POSTGRES_BIN_PATH
        except ImportError:
            sys.exit(
                "The embedded PostgreSQL needs the `pgserver` package (requirements-local.txt): "
                "run `make run` or `make test`, which install it, or set DATABASE_URL."
            )
        self.bin = POSTGRES_BIN_PATH
        self.data = data.resolve()
        self.scratch = scratch
        self.owner = None  # PostgreSQL refuses to run as root; pgserver's helpers make a user
        short_enough = len(str(self.data)) <= MAX_SOCKET_DIR
        self.socket_dir = self.data if short_enough else Path(tempfile.mkdtemp(prefix="kla-pg-"))
        self.started_here = False

    @property
    def url(self) -> str:
        return f"postgres://{USER}@/{DATABASE}?host={self.socket_dir}"

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (the wheel's own PostgreSQL programs)
            [str(self.bin / program), *args], user=self.owner, check=check, capture_output=True, text=True
        )

    def _prepare_ownership(self) -> None:
        if os.geteuid() != 0:
            return
        from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        self.owner = "pgserver"
        ensure_user_exists(self.owner)
        ensure_prefix_permissions(self.bin)
        ensure_folder_permissions(self.bin, 0o055)
        ensure_folder_permissions(self.bin.parent / "lib", 0o044)
        for folder in {self.data, self.socket_dir}:
            ensure_prefix_permissions(folder)
            shutil.chown(folder, user=self.owner, group=self.owner)

    def start(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        self._prepare_ownership()
        if not (self.data / "PG_VERSION").exists():
            say(f"creating a new database cluster in {self.data}")
            self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--no-sync")
            if self.scratch:
                with (self.data / "postgresql.conf").open("a") as conf:
                    conf.write("\n# throw-away test server\n" + "\n".join(SCRATCH_SETTINGS) + "\n")
        if self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0:
            say(f"already running in {self.data}; using it and leaving it running")
        else:
            options = f"-h '' -k {self.socket_dir}"
            result = self._run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.data / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
                check=False,
            )
            if result.returncode != 0:
                log = (self.data / "server.log").read_text(errors="replace")[-2000:]
                sys.exit(f"The embedded PostgreSQL did not start:\n{result.stderr}\n{log}")
            self.started_here = True
        self._create_database()
        say(f"ready: {self.url}")

    def _create_database(self) -> None:
        exists = self._run(
            "psql",
            "-h",
            str(self.socket_dir),
            "-U",
            USER,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",  # noqa: S608 (a constant)
        )
        if exists.stdout.strip() != "1":
            self._run("createdb", "-h", str(self.socket_dir), "-U", USER, DATABASE)

    def stop(self) -> None:
        if self.started_here:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            say("stopped")
        if self.socket_dir != self.data:
            shutil.rmtree(self.socket_dir, ignore_errors=True)


def run(command: list[str], env: dict[str, str]) -> int:
    """Run the command in the foreground. Ctrl-C reaches it from the terminal (same process
    group); this process waits for it so that the server is stopped only after the command is."""
    child = subprocess.Popen(command, env=env)  # noqa: S603 (the developer's own command)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", type=Path, help="data directory, kept between runs")
    where.add_argument("--temporary", action="store_true", help="a throw-away server, deleted afterwards")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("give the command to run after --")

    if os.environ.get("DATABASE_URL"):
        return run(command, dict(os.environ))

    data = Path(tempfile.mkdtemp(prefix="kla-pgtest-")) if options.temporary else options.data
    server = EmbeddedPostgres(data, scratch=options.temporary)
    try:
        server.start()
        return run(command, {**os.environ, "DATABASE_URL": server.url})
    finally:
        server.stop()
        if options.temporary:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
