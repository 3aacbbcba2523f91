"""A registry writer to be killed: the real write paths of the trainer and the promoter, in a loop.

``python registry_writer.py register ROOT MODEL`` loads the champion of ``MODEL`` (a real
trained predictor, with its card and plots) and registers it again as new versions, one after
the other, through :meth:`Registry.register`, the code ``tminus train`` writes with.

``python registry_writer.py promote ROOT MODEL VERSION_A VERSION_B`` moves the ``champion``
alias back and forth between two versions through :meth:`Registry.set_alias`, the code
``tminus promote`` and the admin API move aliases with.

Each prints ``ready`` once set up, then writes until it is killed (the test sends SIGKILL at a
random moment) or until ``--limit`` writes are done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tminus.registry.store import Registry


def register(root: Path, model: str, limit: int) -> None:
    registry = Registry(root)
    champion = registry.load_alias(model, "champion")
    files = {
        p.name: p.read_bytes()
        for p in champion.version.path.iterdir()
        if p.suffix in {".md", ".png"}
    }
    print("ready", flush=True)
    for _ in range(limit):
        registry.register(
            model,
            predictor=champion.predictor,
            metadata=champion.version.metadata,
            files=files,
        )


def promote(root: Path, model: str, versions: list[str], limit: int) -> None:
    registry = Registry(root)
    for version in versions:  # warm up (imports, caches): the kills must land in the moves
        registry.load(model, version)
    print("ready", flush=True)
    for turn in range(limit):
        registry.set_alias(model, "champion", versions[turn % len(versions)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("mode", choices=["register", "promote"])
    parser.add_argument("root", type=Path)
    parser.add_argument("model")
    parser.add_argument("versions", nargs="*")
    parser.add_argument("--limit", type=int, default=1_000, help="stop after this many writes")
    args = parser.parse_args()
    if args.mode == "register":
        register(args.root, args.model, args.limit)
    else:
        promote(args.root, args.model, args.versions, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
