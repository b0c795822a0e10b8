"""One entry point for the benchmarks: `python bench/run.py <name> [options]` (the names are the keys below).

Each module registers its benchmark below as name → (module, function taking argv)."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHMARKS = {
    "leads": ("bench_leads", "main"),
    "contracts": ("bench_contracts", "main"),
    "billing": ("bench_billing", "main"),
    "campaigns": ("bench_campaigns", "main"),
    "notifications": ("bench_notifications", "main"),
    "portal": ("bench_portal", "main"),
    "telephony": ("bench_telephony", "main"),
    "todos": ("bench_todos", "main"),
    "finance": ("bench_finance", "main"),
    "violations": ("bench_violations", "main"),
    "smslog": ("bench_sms_log", "main"),
    "memory": ("worker_memory", "main"),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        sys.exit(f"usage: python bench/run.py {{{'|'.join(BENCHMARKS)}}} [options]")
    module, func = BENCHMARKS[sys.argv[1]]
    entry = getattr(importlib.import_module(module), func)
    argv = sys.argv[2:]
    if inspect.signature(entry).parameters:
        entry(argv)
    else:  # an argparse main() that reads sys.argv itself
        sys.argv = [f"bench/{module}.py", *argv]
        entry()


if __name__ == "__main__":
    main()
