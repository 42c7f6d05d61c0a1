#!/usr/bin/env python3
"""The generated section of `cardboss/_native.pyi`: the code enums and the models.

The core renders it (`cardboss._native._model_stubs()`, from each model's schema, its date and
coded fields, and the code tables: core/src/python/stubs.rs); this script puts it between the two
markers of the stub file, or checks that what is there is what the built module renders. The rest
of the file (clients, iterators, pushes) is written by hand and checked by stubtest.

    python bindings-python/stubs.py --write   # after changing a model or a code table
    python bindings-python/stubs.py --check   # bindings-python/test.sh: fails on a difference

Run it with the built package installed (bindings-python/test.sh does).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from cardboss import _native

STUB = Path(__file__).resolve().parent / "python" / "cardboss" / "_native.pyi"
BEGIN = "# <generated: bindings-python/stubs.py --write, from the core's models and code tables>\n"
END = "# </generated>\n"


def split(text: str) -> tuple[str, str, str]:
    """The stub file as (before, generated, after)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"{STUB}: the markers {BEGIN.strip()!r} and {END.strip()!r} are missing")
    start += len(BEGIN)
    return text[:start], text[start:end], text[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the section into the stub file")
    mode.add_argument("--check", action="store_true", help="fail when the section differs")
    args = parser.parse_args()

    before, current, after = split(STUB.read_text(encoding="utf-8"))
    wanted = _native._model_stubs()
    if args.write:
        STUB.write_text(before + wanted + after, encoding="utf-8")
        print(f"wrote the generated section of {STUB}")
        return 0
    if current == wanted:
        print(f"{STUB.name}: the generated section matches the built module")
        return 0
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        wanted.splitlines(keepends=True),
        "_native.pyi (committed)",
        "_native.pyi (from the built module)",
    )
    sys.stdout.writelines(diff)
    print(f"\n{STUB}: the generated section is out of date; run `python bindings-python/stubs.py --write`")
    return 1


if __name__ == "__main__":
    sys.exit(main())
