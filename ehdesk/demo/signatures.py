"""Synthetic drawn signatures for demo agreements, made without Qt: a few pen strokes (loops and
a flourish, like a hurried signature) rasterised into a small grey-scale PNG with only the
standard library. A handful are made once per process and reused: they are decoration, and
10,000 demo families must still generate quickly."""

from __future__ import annotations

import math
import random
import struct
import zlib
from functools import lru_cache

WIDTH, HEIGHT = 360, 120


def _png(pixels: bytearray, width: int, height: int) -> bytes:
    raw = b"".join(b"\x00" + bytes(pixels[y * width : (y + 1) * width]) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey-scale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _stroke(rng: random.Random) -> list[tuple[float, float]]:
    """A cursive-looking path: a run of loops drifting right, then a flourish underneath."""
    points = []
    x, base = 20.0, HEIGHT * 0.62
    loops = rng.randint(5, 9)
    step = (WIDTH - 60) / loops
    for i in range(loops):
        height = rng.uniform(18, 48) if i in (0, loops // 2) else rng.uniform(10, 26)
        for t in range(14):
            a = t / 14 * 2 * math.pi
            points.append((x + step * t / 14 + 6 * math.sin(a), base - height * (1 - math.cos(a)) / 2))
        x += step
    for t in range(30):
        a = t / 30
        points.append((WIDTH - 40 - a * (WIDTH - 80), base + 12 + 10 * math.sin(a * math.pi)))
    return points


def _draw(points: list[tuple[float, float]], pen: float = 2.2) -> bytearray:
    pixels = bytearray(b"\xff" * (WIDTH * HEIGHT))
    r = int(math.ceil(pen))
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        steps = max(1, int(math.hypot(x1 - x0, y1 - y0)))
        for s in range(steps + 1):
            cx, cy = x0 + (x1 - x0) * s / steps, y0 + (y1 - y0) * s / steps
            for dy in range(-r, r + 1):
                for dx in range(-r, r + 1):
                    px, py = int(cx + dx), int(cy + dy)
                    if 0 <= px < WIDTH and 0 <= py < HEIGHT and dx * dx + dy * dy <= pen * pen:
                        pixels[py * WIDTH + px] = 0x22
    return pixels


@lru_cache(maxsize=16)
def synthetic_signature(variant: int) -> bytes:
    """PNG bytes of signature number ``variant`` (deterministic)."""
    return _png(_draw(_stroke(random.Random(variant))), WIDTH, HEIGHT)
