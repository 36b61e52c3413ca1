"""Check that the lock files cover pyproject.toml: every exact pin of the
project's dependencies (and of its ``test`` extra, for requirements/test.txt)
is in the lock file at the same version. Exit 1 with the missing pins and
``run 'make lock'`` otherwise. Used by the Makefile before installing."""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.sub(r"[-_.]+", "-", spec.split("[")[0].split("==")[0].strip()).lower()


def _pins(specs: list[str]) -> dict[str, str]:
    return {_name(s): s.split("==", 1)[1].strip() for s in specs if "==" in s}


def _locked(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", line)
        if match:
            found[_name(match.group(1))] = match.group(2)
    return found


def main(lock: str, *extras: str) -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _pins(project["dependencies"])
    for extra in extras:
        wanted.update(_pins(project["optional-dependencies"][extra]))
    locked = _locked(ROOT / lock)
    missing = [f"{n}=={v}" for n, v in sorted(wanted.items()) if locked.get(n) != v]
    if missing:
        print(f"{lock} does not pin {', '.join(missing)} as pyproject.toml does; run 'make lock'",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
