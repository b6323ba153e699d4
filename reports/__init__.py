"""Reports: the dashboard, PDF documents and their .xlsx twins, over read-only selectors."""

from __future__ import annotations
