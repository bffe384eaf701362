"""Quantities for people to read (CLI listings, batch labels in the Airflow grid)."""

from __future__ import annotations


def human_bytes(n: int) -> str:
    """``512 B``, ``1.5 KB``, ``2.0 GB``: binary multiples, one decimal above bytes, GB at most."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover
