"""Hybrid logical clock: change times that sort the same on every device even when laptop
clocks disagree, because each stamp is at least one tick after every stamp the device has seen."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        # Fixed-width fields so that string order is time order.
        return f"{self.wall_ms:013d}-{self.counter:05d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        wall, counter, node = text.split("-", 2)
        return cls(int(wall), int(counter), node)


class HybridClock:
    def __init__(self, node: str, now_ms=None) -> None:
        self.node = node
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        self._last = Stamp(0, 0, node)
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            wall = self._now_ms()
            if wall > self._last.wall_ms:
                self._last = Stamp(wall, 0, self.node)
            else:
                self._last = Stamp(self._last.wall_ms, self._last.counter + 1, self.node)
            return self._last.encode()

    def observe(self, remote: str) -> None:
        """Move past a stamp received from another device."""
        other = Stamp.decode(remote)
        with self._lock:
            if (other.wall_ms, other.counter) > (self._last.wall_ms, self._last.counter):
                self._last = Stamp(other.wall_ms, other.counter, self.node)
