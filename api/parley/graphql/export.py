"""Write the schema's SDL to `schema.graphql`, or with `--check` fail when that file is stale."""

from __future__ import annotations

import sys
from pathlib import Path

from parley.graphql.schema import schema_sdl

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "schema.graphql"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [arg for arg in argv[1:] if not arg.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT_PATH
    sdl = schema_sdl()
    if check:
        if not path.exists() or path.read_text() != sdl:
            print(f"{path} is stale: run `make generate`", file=sys.stderr)
            return 1
        return 0
    path.write_text(sdl)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
