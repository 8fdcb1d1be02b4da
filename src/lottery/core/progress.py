"""Progress lines with throughput and ETA for long-running rules' logs."""
from __future__ import annotations

import logging
import time

log = logging.getLogger("lottery")


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


class Progress:
    """Counts work units (seed-steps, epochs...) and logs at most every ``interval`` seconds."""

    def __init__(self, label: str, total: int, unit: str, interval: float = 10.0) -> None:
        self.label, self.total, self.unit, self.interval = label, total, unit, interval
        self.done = 0
        self.start = time.perf_counter()
        self.last_report = -float("inf")

    def due(self) -> bool:
        return time.perf_counter() - self.last_report >= self.interval

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, units: int, detail: str = "", force: bool = False) -> None:
        """Add ``units`` and log a line when due (``force`` logs regardless)."""
        self.done += units
        if not (force or self.due()):
            return
        self.last_report = time.perf_counter()
        rate = self.rate()
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        pct = 100.0 * self.done / self.total if self.total else 100.0
        log.info(
            "%s | %5.1f%% | %s | %s %s/s | ETA %s",
            self.label,
            pct,
            detail,
            f"{rate:,.0f}",
            self.unit,
            format_duration(eta) if eta == eta else "?",
        )

    def finish(self, detail: str = "") -> None:
        elapsed = time.perf_counter() - self.start
        log.info("%s | done in %s | %s | %s %s/s", self.label, format_duration(elapsed), detail, f"{self.rate():,.0f}", self.unit)
