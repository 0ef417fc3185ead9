"""Time to build a signed 3-page early help agreement PDF (target: at most 300 ms).

Run: .venv/bin/python bench/bench_pdf.py"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("EHDESK_KDF_COST", "minimum")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdf  # noqa: E402

from ehdesk.casework import agreements as ops  # noqa: E402
from ehdesk.pdf.agreement import agreement_pdf  # noqa: E402
from ehdesk.store import ProfileManager  # noqa: E402
from tests.agreement.factory import make_family, sign_all  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        manager = ProfileManager(Path(tmp))
        manager.create("Bench", "bench password 123")
        store = manager.unlock("Bench", "bench password 123")
        try:
            with store.session() as s:
                family_id = make_family(s)
                view = sign_all(s, family_id)
                images = ops.signature_images(s, view)
            times = []
            for _ in range(12):
                start = time.perf_counter()
                pdf = agreement_pdf(view, images)
                times.append((time.perf_counter() - start) * 1000)
        finally:
            store.close()
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    first, rest = times[0], times[1:]
    print(f"signed agreement: {pages} pages, {len(view.signatures)} signatures, {len(pdf)} bytes")
    print(f"first build (fonts loading): {first:.0f} ms")
    print(f"build: median {statistics.median(rest):.0f} ms, max {max(rest):.0f} ms (target <= 300 ms)")


if __name__ == "__main__":
    main()
