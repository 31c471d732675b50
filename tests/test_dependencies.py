"""The lock files pin what pyproject.toml asks for: every dependency, at a version its range
allows, with hashes (so `pip install --require-hashes` takes nothing else)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", re.MULTILINE)


def pins(lock):
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}, text


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.txt", PROJECT["dependencies"]),
        ("dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_dependency_is_pinned_within_its_range(lock, requirements):
    pinned, _ = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        version = pinned.get(canonicalize_name(requirement.name))
        assert version, f"{requirement.name} is not in requirements/{lock}: run `make lock`"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {requirement.name}=={version}, outside {requirement}: "
            "run `make lock`"
        )


@pytest.mark.parametrize("lock", ["base.txt", "dev.txt"])
def test_every_pin_carries_its_hashes_and_no_local_index(lock):
    pinned, text = pins(lock)
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text)
    assert len([block for block in blocks if "--hash=sha256:" in block]) == len(pinned)
    assert "--index-url" not in text and "--find-links" not in text and "file://" not in text


def test_production_and_development_pin_the_same_versions():
    base, _ = pins("base.txt")
    dev, _ = pins("dev.txt")
    assert {name: dev.get(name) for name in base} == base
