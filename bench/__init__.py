"""``make bench``: performance figures and ratios for pilot06.

``python -m bench`` orchestrates; every figure runs in a sub-process of its
own (``python -m bench.run_<figure> --db URL``) because Django settings are
per process and each figure wants a fresh database.  Each child prints one
JSON line; the parent prints the table and writes ``bench/results.json``.
"""

from __future__ import annotations
