"""The Dockerfile and .dockerignore, read as data, so tests can follow the image's own recipe."""

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, …
    arguments: str  # the rest of the instruction, continuation lines joined


def instructions(path: Path = ROOT / "Dockerfile") -> list[Instruction]:
    """Every instruction, in order, without comments and with `\\`-continued lines joined."""
    found: list[Instruction] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued instruction"
    return found


def final_stage() -> list[Instruction]:
    """The instructions of the last stage (the image that runs)."""
    every = instructions()
    last_from = max(i for i, instruction in enumerate(every) if instruction.keyword == "FROM")
    return every[last_from:]


def exec_form(arguments: str) -> list[str]:
    """A CMD or HEALTHCHECK CMD in JSON (exec) form, as its argument list."""
    command = json.loads(arguments)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def healthcheck_command() -> list[str]:
    (healthcheck,) = [i for i in final_stage() if i.keyword == "HEALTHCHECK"]
    _, _, command = healthcheck.arguments.partition("CMD ")
    return exec_form(command)


def run_command() -> list[str]:
    (cmd,) = [i for i in final_stage() if i.keyword == "CMD"]
    return exec_form(cmd.arguments)


def copied_from_context() -> list[str]:
    """What COPY takes from the build context (not from another stage), in order."""
    sources: list[str] = []
    for instruction in instructions():
        if instruction.keyword != "COPY":
            continue
        words = shlex.split(instruction.arguments)
        if any(word.startswith("--from") for word in words):
            continue
        sources += [word for word in words[:-1] if not word.startswith("--")]
    return sources


def dockerignore_patterns(path: Path = ROOT / ".dockerignore") -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
