"""The two lock files agree with pyproject.toml and with each other (no network, no install):
requirements.txt pins the runtime dependencies and none of the test extra, requirements-dev.txt
pins the test extra too, and a package in both has the same version in both."""

import pytest

from tests.locks import PYPROJECT, names, pins

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
