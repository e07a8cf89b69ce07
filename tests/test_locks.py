"""The two lock files agree with pyproject.toml and with each other (no network, no install):
requirements.txt pins the runtime dependencies and none of the test extra, requirements-dev.txt
pins the test extra too, and a package in both has the same version in both."""

import re
import tomllib
from pathlib import Path

import pytest

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


RUNTIME = names(PYPROJECT["project"]["dependencies"])
TEST = names(PYPROJECT["project"]["optional-dependencies"]["test"])


def test_the_runtime_lock_pins_every_runtime_dependency():
    missing = sorted(RUNTIME - pins("requirements.txt").keys())
    assert not missing, f"run `make lock`: requirements.txt does not pin {missing}"


def test_the_runtime_lock_holds_nothing_of_the_test_extra():
    test_only = TEST - RUNTIME
    assert test_only, "the test extra names packages the service does not run on"
    leaked = sorted(test_only & pins("requirements.txt").keys())
    assert not leaked, f"requirements.txt pins test dependencies: {leaked}"


def test_the_development_lock_pins_the_runtime_and_the_test_dependencies():
    missing = sorted((RUNTIME | TEST) - pins("requirements-dev.txt").keys())
    assert not missing, f"run `make lock`: requirements-dev.txt does not pin {missing}"


@pytest.mark.parametrize("package", sorted(pins("requirements.txt")))
def test_both_locks_pin_a_runtime_package_to_the_same_version(package):
    runtime, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert development.get(package) == runtime[package], (
        f"{package}: {runtime[package]} in requirements.txt, "
        f"{development.get(package)} in requirements-dev.txt; run `make lock`"
    )
