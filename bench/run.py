"""One entry point for the benchmarks: `python bench/run.py leads --leads 1000000`.

Each module registers its benchmark below as name → (module, function taking argv)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHMARKS = {
    "leads": ("bench_leads", "main"),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        sys.exit(f"usage: python bench/run.py {{{'|'.join(BENCHMARKS)}}} [options]")
    module, func = BENCHMARKS[sys.argv[1]]
    getattr(importlib.import_module(module), func)(sys.argv[2:])


if __name__ == "__main__":
    main()
