"""A private PostgreSQL from Debian's packages (`make postgres` installs them): a cluster of its own in
a folder (var/scaled/postgres for `make run-scaled`, a temporary one for the tests), on a free port
of 127.0.0.1 and a socket in that folder, trusting only local connections. PostgreSQL's server
refuses to run as root, so under root the cluster belongs to the unprivileged user `nobody`."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import List, Optional

from sqlalchemy import create_engine, text

from bot.scaled.ports import free_port

ROLE = "own_words"


def _bin(name: str) -> Optional[str]:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _let_through(folder: Path) -> None:
    """`nobody` may pass through the folders above the cluster's that are owner-only (var/ is:
    bot/private_files.py): passing, not listing or reading; their files stay 0600."""
    for parent in folder.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod((mode & 0o7777) | 0o001)


class PrivatePostgres:
    """Started on creation; `folder` None: a temporary one, removed by stop()."""

    def __init__(self, folder: Optional[Path] = None, *, durable: bool = False) -> None:
        initdb, self._pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not initdb or not self._pg_ctl:
            raise RuntimeError("PostgreSQL is not installed: `make postgres` installs Debian's (apt-get install postgresql)")
        self._temporary = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="own-words-pg-")) if folder is None else folder
        self.folder.mkdir(parents=True, exist_ok=True)
        # fsync off for a test cluster, thrown away at the end; on for one that keeps a site's data
        self._fsync = "on" if durable else "off"
        self._as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "nobody")
            _let_through(self.folder)
        if not (self.folder / "data" / "PG_VERSION").exists():
            self._run([initdb, "-D", str(self.folder / "data"), "-U", ROLE, "--auth=trust", "-E", "UTF8",
                       "--locale=C.UTF-8"])
        self.port = free_port()
        self.start()

    def _run(self, command: List[str]) -> None:
        done = subprocess.run(self._as + command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command[:1])} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run([self._pg_ctl, "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log"), "-w", "-o",
                   f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync={self._fsync}", "start"])

    def halt(self) -> None:
        """Stop the server, keeping its data (start() brings it back, on the same port)."""
        self._run([self._pg_ctl, "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{ROLE}@127.0.0.1:{self.port}/{database}"

    def database(self, name: str) -> str:
        """The URL of the database `name`, created if the cluster has none of that name."""
        engine = create_engine(self.url(), future=True, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def new_database(self) -> str:
        """The URL of a new, empty database in the cluster."""
        return self.database("test_" + uuid.uuid4().hex[:12])

    def dump(self, url: str) -> str:
        """pg_dump of a database, as text: every row it holds."""
        database = url.rsplit("/", 1)[1]
        done = subprocess.run([_bin("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, database],
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    def stop(self) -> None:
        try:
            self.halt()
        finally:
            if self._temporary:
                shutil.rmtree(self.folder, ignore_errors=True)
