"""The lock files and pyproject.toml's requirements, read as data."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s*$")
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """A distribution name as the packaging specifications compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    """Every `name==version` line of a lock file, by canonical name."""
    found: dict[str, str] = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith(" ") or not line.strip():
            continue
        match = PIN.match(line)
        assert match, f"{lock}: not an exact pin: {line!r}"
        found[canonical(match[1])] = match[2]
    return found


def names(requirements: list[str]) -> set[str]:
    """The distribution names of PEP 508 requirements (extras, versions and markers dropped)."""
    found = set()
    for requirement in requirements:
        match = NAME.match(requirement)
        assert match, f"pyproject.toml: not a requirement: {requirement!r}"
        found.add(canonical(match[1]))
    return found
