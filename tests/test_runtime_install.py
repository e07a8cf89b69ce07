"""The image's recipe, run without Docker: a clean virtualenv gets the runtime lock alone and the
package without its dependencies (the COPY sources and pip commands of the Dockerfile), then
the Dockerfile's own CMD migrates an empty database and serves on the port PORT names, with HOST
and WORKERS from the environment too, and the Dockerfile's HEALTHCHECK passes; no test
dependency is installed. Needs the package index (pip); marked `install`."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.kit import migrate
from tests.dockerfile import ROOT, copied_from_context, healthcheck_command, run_command
from tests.live_server import ServerProcess, free_port, launch
from tests.locks import PYPROJECT, canonical, names, pins

pytestmark = pytest.mark.install

# What `python -m venv` puts in every virtualenv, before anything is installed.
VENV_SEED = {"pip", "setuptools"}


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv holding the runtime lock and the package, installed as the image does."""
    root = tmp_path_factory.mktemp("runtime")
    context = root / "context"  # the build context: only what the Dockerfile copies
    for source in copied_from_context():
        path = ROOT / source
        if path.is_dir():
            shutil.copytree(path, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            context.mkdir(exist_ok=True)
            shutil.copy2(path, context / source)
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _run([*pip, "install", "--no-deps", "--requirement", str(context / "requirements.txt")])
    _run([*pip, "install", "--no-deps", str(context)], cwd=context)
    _run([*pip, "check"])
    return venv


def _installed(venv: Path) -> set[str]:
    listing = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'] for d in m.distributions()))",
        ]
    )
    return {canonical(name) for name in listing.stdout.split()}


def test_the_runtime_venv_holds_the_runtime_lock_and_the_package_only(runtime_venv):
    installed = _installed(runtime_venv) - VENV_SEED
    expected = set(pins("requirements.txt")) | {canonical(PYPROJECT["project"]["name"])}
    assert installed == expected


def test_no_test_dependency_is_installed_and_pytest_does_not_import(runtime_venv, tmp_path):
    test_extra = names(PYPROJECT["project"]["optional-dependencies"]["test"])
    runtime = names(PYPROJECT["project"]["dependencies"])
    assert not (test_extra - runtime) & _installed(runtime_venv)
    result = subprocess.run(
        [str(runtime_venv / "bin" / "python"), "-c", "import pytest"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the repository, whose directory could shadow an import
    )
    assert result.returncode != 0 and "No module named 'pytest'" in result.stderr, result


def _container_env(venv: Path, database_url: str, port: int) -> dict[str, str]:
    """What the container's process sees: the image's PATH first, and the variables the image
    and compose.yaml set (HOST on loopback here), nothing of the test run's environment."""
    return {
        "PATH": os.pathsep.join([str(venv / "bin"), os.defpath]),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": "2",
        "OCCUPANCY_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def container(runtime_venv, scratch_url, tmp_path) -> Iterator[tuple[ServerProcess, dict]]:
    """The Dockerfile's CMD, run from the runtime virtualenv on an empty database."""
    port = free_port()
    env = _container_env(runtime_venv, scratch_url, port)
    server = launch(
        run_command(),
        env=env,
        base=f"http://127.0.0.1:{port}",
        log_path=tmp_path / "container.log",
        cwd=tmp_path,
    )
    try:
        yield server, env
    finally:
        server.stop()


def test_the_image_command_migrates_an_empty_database_serves_on_port_and_passes_its_health_check(
    container, tmp_path
):
    server, env = container
    ready = httpx.get(f"{server.base}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "schema": migrate.head_revision()}
    # migrate ran first and said so, on the process's output
    assert f"database at migration {migrate.head_revision()}" in server.log_path.read_text()
    zones = httpx.get(f"{server.base}/api/v1/zones", timeout=10)
    assert zones.status_code == 200 and zones.json()["total"] == 0, zones.text

    def health_check() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            healthcheck_command(), env=env, cwd=tmp_path, capture_output=True, text=True
        )

    passing = health_check()
    assert passing.returncode == 0, passing
    assert passing.stdout.startswith(f"ready: 200 from {server.base}/readyz"), passing.stdout
    server.stop()
    failing = health_check()
    assert failing.returncode == 1, failing
    assert failing.stdout.startswith("not ready:"), failing.stdout
