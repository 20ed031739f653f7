"""A progress bar on stderr for long runs (import, screening many clusters, sweeps).

It draws only when stderr is a terminal, so piped and captured output (CI, tests, `2>log`)
never holds it; POLICYKB_PROGRESS=1 forces it on and POLICYKB_PROGRESS=0 off. It redraws
at most ten times a second, so it costs nothing measurable in a loop, and erases itself
when done: the command's own output is never interleaved with it.

    with Progress(len(clusters), "screening") as bar:
        for cluster in clusters:
            ...
            bar.update()

    for row in progress(rows, label="observations.csv", unit="rows"):   # total unknown: a count
        ...
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Iterable, Iterator, TypeVar

Item = TypeVar("Item")

WIDTH = 24  # characters of the bar itself
INTERVAL = 0.1  # seconds between redraws
ENV = "POLICYKB_PROGRESS"


def enabled(stream: IO[str]) -> bool:
    """Whether to draw on `stream`: forced by POLICYKB_PROGRESS, else when it is a terminal."""
    forced = os.environ.get(ENV)
    if forced in ("0", "1"):
        return forced == "1"
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


class Progress:
    """Counts work done out of `total` (None: unknown, then only the count is shown)."""

    def __init__(self, total: int | None, label: str, *, unit: str = "", stream: IO[str] | None = None,
                 force: bool | None = None, interval: float = INTERVAL) -> None:
        self.total, self.label, self.unit = total, label, unit
        self.stream = stream if stream is not None else sys.stderr
        self.active = enabled(self.stream) if force is None else force
        self.interval = interval
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0
        self._width = 0  # of the last line drawn, to erase it

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.active:
            now = time.monotonic()
            if now - self._last >= self.interval:
                self._last = now
                self.draw()

    def line(self) -> str:
        """The text drawn: label, bar and percentage (or a count), elapsed seconds."""
        count = f"{self.done:,}" + (f"/{self.total:,}" if self.total else "") + (f" {self.unit}" if self.unit else "")
        elapsed = f"{time.monotonic() - self.start:.1f}s"
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * WIDTH)
            bar = "#" * filled + "." * (WIDTH - filled)
            return f"{self.label} [{bar}] {share:4.0%} {count} {elapsed}"
        return f"{self.label} {count} {elapsed}"

    def draw(self) -> None:
        text = self.line()
        pad = max(self._width - len(text), 0)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """Erase the bar (nothing was drawn if inactive)."""
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def progress(items: Iterable[Item], total: int | None = None, label: str = "", *, unit: str = "",
             stream: IO[str] | None = None, force: bool | None = None) -> Iterator[Item]:
    """Yield `items`, counting them on a progress bar (total: len(items) when it has one)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, label, unit=unit, stream=stream, force=force) as bar:
        for item in items:
            yield item
            bar.update()
