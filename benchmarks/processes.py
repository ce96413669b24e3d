"""What a process and its children cost in memory, read from /proc (Linux)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List


def descendants(pid: int) -> List[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            todo.extend(int(child) for child in children)
            found.extend(int(child) for child in children)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def peak_resident_bytes(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM) so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def pids_by_name(root_pid: int, names: Dict[str, str]) -> Dict[str, List[int]]:
    """{name: the descendants whose command line holds names[name]} (not the shells that start them)."""
    found: Dict[str, List[int]] = {}
    for pid in descendants(root_pid):
        line = command_line(pid)
        for name, marker in names.items():
            if marker in line and "/bin/sh" not in line:
                found.setdefault(name, []).append(pid)
    return found


def peaks_by_name(root_pid: int, names: Dict[str, str]) -> Dict[str, int]:
    """{name: peak resident bytes} for each descendant whose command line holds names[name]."""
    return {name: max(peak_resident_bytes(pid) for pid in pids)
            for name, pids in pids_by_name(root_pid, names).items()}
