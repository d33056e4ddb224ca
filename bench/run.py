"""Run the federation benchmark: our gateway and its peers over the same four subgraphs.

Usage: uv run python bench/run.py [--duration 10] [--connections 10,50] [--gateways althaus,apollo]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path; the project root must come first instead.
_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == _ROOT / "bench":
    sys.path.pop(0)
sys.path.insert(0, str(_ROOT))

from bench.harness.session import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
