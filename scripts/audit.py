"""`make audit`: the pinned dependencies (requirements.txt) checked against PyPI's advisory database
with pip-audit, run before each deployment. Says plainly when the database cannot be reached, so
that "nothing found" is never mistaken for "nothing checked".

    python scripts/audit.py PIP_AUDIT REQUIREMENTS
Exit 0: every package checked, none with a known vulnerability; 1: vulnerabilities (listed);
2: some or all packages could not be checked (the reason is printed)."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import List, Tuple


def verdict(report: dict) -> Tuple[int, List[str]]:
    """The exit status and the lines to print, from pip-audit's JSON report."""
    dependencies = report.get("dependencies") or []
    skipped = [d for d in dependencies if d.get("skip_reason")]
    found = [(d, v) for d in dependencies for v in d.get("vulns") or []]
    lines = [f"{d['name']} {d.get('version', '')}: {v.get('id')} (fixed in {', '.join(v.get('fix_versions') or []) or 'no release yet'})"
             for d, v in found]
    if skipped:
        lines.append(f"{len(skipped)} of {len(dependencies)} packages could not be checked: the advisory database "
                     "(PyPI's vulnerability API) was not reachable from here, or does not know them. Run "
                     "`make audit` where it is reachable before deploying.")
        return 2, lines
    if found:
        return 1, [f"{len(found)} known vulnerabilities in {len({d['name'] for d, _ in found})} packages:"] + lines
    return 0, [f"{len(dependencies)} package{'' if len(dependencies) == 1 else 's'} checked: no known vulnerability."]


def main(pip_audit: str, requirements: str) -> int:
    done = subprocess.run([pip_audit, "-r", requirements, "--no-deps", "--disable-pip", "-f", "json",
                           "--progress-spinner", "off"], capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"make audit could not check anything: pip-audit failed ({last[:300]}). The advisory database "
              "must be reachable: run it where it is, before deploying.")
        return 2
    status, lines = verdict(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
