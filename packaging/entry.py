"""The bundle's entry point: the ``ehdesk`` command, plus one hidden self-test.

``--bundle-self-test-pdf FILE.pdf`` writes a one-page document through the real PDF building
blocks (every bundled font, HarfBuzz shaping) without a profile. ``packaging/build`` uses it to
prove the bundle can make PDFs on a branch whose ``ehdesk pdf`` commands are not there yet, and
support staff can use it to check an installed copy. It lives here, not in the CLI, because it
only makes sense inside a bundle."""

from __future__ import annotations

import multiprocessing
import sys

SELF_TEST_PDF = "--bundle-self-test-pdf"


def _self_test_pdf(out: str) -> int:
    from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, para

    info = DocumentInfo(title="Bundle self-test", council_name="ehdesk", document_id="self-test")
    story = [
        para("This document was made by the installed ehdesk bundle to check that printing works."),
        field_table(
            [("Latin", "Małgorzata Nowak"), ("Chinese", "王芳"), ("Arabic", "فاطمة"), ("Greek", "Ελένη")]
        ),
    ]
    with open(out, "wb") as fh:
        fh.write(build_pdf(info, story))
    return 0


def main() -> int:
    multiprocessing.freeze_support()
    if len(sys.argv) == 3 and sys.argv[1] == SELF_TEST_PDF:
        return _self_test_pdf(sys.argv[2])
    from ehdesk.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
