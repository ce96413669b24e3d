"""Files only their owner can read: the databases, their journals, .env, the trained model and
anything written with `export -o` hold children's words or the keys to them.

Every process of Own Words imports this package first (the command line and web app through
`python -m bot`, the Rasa server through the tablet channel and tracker store, the action server
through actions/), so `restrict()` runs in each before it creates a file: new files are 0600 and
new folders 0700 (umask 077). `tighten()` mends what an older version created more openly."""
from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


def restrict() -> None:
    os.umask(OWNER_ONLY_UMASK)


def tighten(folder: Path) -> None:
    """The folder and everything under it readable by its owner alone (folders 0700, files 0600)."""
    if not folder.is_dir():
        return
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
