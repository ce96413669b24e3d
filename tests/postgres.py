"""A private PostgreSQL for a test run, from Debian's packages (`make postgres` installs them): a
cluster of its own in a temporary folder, on a free port of 127.0.0.1 and a socket in that folder,
trusting only local connections, gone when the run ends. PostgreSQL's server refuses to run as root,
so under root the cluster belongs to the unprivileged user `nobody`."""
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

from tests.servers import free_port

ROLE = "own_words"


def _bin(name: str) -> Optional[str]:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


class PrivatePostgres:
    def __init__(self) -> None:
        initdb, self._pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not initdb or not self._pg_ctl:
            raise RuntimeError("PostgreSQL is not installed: `make postgres` installs Debian's (apt-get install postgresql)")
        self.folder = Path(tempfile.mkdtemp(prefix="own-words-pg-"))
        self.port = free_port()
        self._as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "nobody")
        self._run([initdb, "-D", str(self.folder / "data"), "-U", ROLE, "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8"])
        # fsync off: a test cluster, thrown away at the end, need not survive a power cut
        self._run([self._pg_ctl, "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log"), "-w", "-o",
                   f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])

    def _run(self, command: List[str]) -> None:
        done = subprocess.run(self._as + command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command[:1])} failed:\n{done.stdout}\n{done.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{ROLE}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database in the cluster."""
        name = "test_" + uuid.uuid4().hex[:12]
        engine = create_engine(self.url(), future=True, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def dump(self, url: str) -> str:
        """pg_dump of a database, as text: every row it holds."""
        database = url.rsplit("/", 1)[1]
        done = subprocess.run([_bin("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, database],
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    def stop(self) -> None:
        try:
            self._run([self._pg_ctl, "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
