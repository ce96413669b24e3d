"""A private Redis from Debian's packages (`make redis` installs it), for Rasa's lock store: on a free
port of 127.0.0.1, keeping nothing on disk (its locks last seconds; a restart loses none that
matters, since the channel's lock is PostgreSQL's: bot/channel/lock_store.py)."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Optional

from bot.scaled.ports import free_port


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self._server = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self._server).exists():
            raise RuntimeError("Redis is not installed: `make redis` installs Debian's (apt-get install redis-server)")
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self._process: Optional[subprocess.Popen] = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self._process = subprocess.Popen(
            [self._server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: see {self.folder / 'redis.log'}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
