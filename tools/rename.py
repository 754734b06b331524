#!/usr/bin/env python3
"""Make the template yours: `make rename NAME=acme`.

Renames the project's identifiers in every file git knows (tracked, or new and not ignored):
the Python package (`api/parley` -> `api/acme`, imports included), package names, the
compose project, database names, page titles and the README. `parley` becomes NAME (with `_`
for `-` where Python needs an identifier), `Parley` its title case, `PARLEY` its upper case.

Run it once, on a clean checkout, then `make setup` and `make test`. Uses the standard library
only, so it runs before anything is installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

OLD = "parley"
VALID_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2", ".dump"}
THIS_FILE = Path("tools/rename.py")


def project_files(root: Path) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [Path(name) for name in listed.split("\0") if name]


def replacements(name: str) -> list[tuple[re.Pattern[str], str]]:
    identifier = name.replace("-", "_")
    title = " ".join(part.capitalize() for part in name.split("-"))
    return [
        # Python imports and module paths need an identifier; everything else takes the name.
        (re.compile(r"\b(from|import) parley\b"), rf"\1 {identifier}"),
        (re.compile(r"\bparley\.(?=[a-z_])"), f"{identifier}."),
        (re.compile(r"(?<=api/)parley\b"), identifier),
        (re.compile(r"packages = \[\"parley\"\]"), f'packages = ["{identifier}"]'),
        (re.compile(r"module = \[\"parley\."), f'module = ["{identifier}.'),
        (re.compile("PARLEY"), name.upper().replace("-", "_")),
        (re.compile("Parley"), title),
        (re.compile("parley"), name),
    ]


def rename(root: Path, name: str) -> list[Path]:
    if not VALID_NAME.match(name):
        raise SystemExit(f"NAME must be lowercase letters, digits and single dashes: {name!r}")
    rules = replacements(name)
    changed: list[Path] = []
    for relative in project_files(root):
        path = root / relative
        if relative == THIS_FILE or path.suffix in SKIP_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = text
        for pattern, replacement in rules:
            new = pattern.sub(replacement, new)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(relative)
    package = root / "api" / OLD
    if package.is_dir():
        package.rename(root / "api" / name.replace("-", "_"))
    return changed


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python3 tools/rename.py NAME", file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parents[1]
    changed = rename(root, argv[1])
    print(f"renamed {OLD} -> {argv[1]} in {len(changed)} files; now run: make setup && make test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
