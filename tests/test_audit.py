"""`make audit`'s reading of pip-audit's JSON report (scripts/audit.py): nothing checked is never
reported as nothing found."""
from __future__ import annotations

import importlib.util

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def test_every_package_checked_and_clean_passes():
    status, lines = audit.verdict({"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}]})
    assert status == 0 and lines == ["1 package checked: no known vulnerability."]


def test_a_vulnerability_is_named_with_its_fix_and_fails():
    status, lines = audit.verdict({"dependencies": [
        {"name": "flask", "version": "2.0.0", "vulns": [{"id": "PYSEC-2023-62", "fix_versions": ["2.2.5", "2.3.2"]}]},
        {"name": "waitress", "version": "3.0.2", "vulns": []}]})
    assert status == 1 and lines[1] == "flask 2.0.0: PYSEC-2023-62 (fixed in 2.2.5, 2.3.2)"


def test_packages_that_could_not_be_checked_are_said_so_and_fail():
    status, lines = audit.verdict({"dependencies": [
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.0)"},
        {"name": "waitress", "version": "3.0.2", "vulns": []}]})
    assert status == 2 and "1 of 2 packages could not be checked" in lines[-1]
