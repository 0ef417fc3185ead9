"""``ehdesk pdf``: the latest document of a kind for a family, and checking a PDF against the
record. Each kind is made by ``ehdesk.documents.render_latest(kind, session, family_id)``
(casework builds the view, ``ehdesk/pdf/<kind>.py`` lays it out); every PDF written here is recorded as issued (and audited), which
is what ``ehdesk pdf verify`` looks for."""

from __future__ import annotations

from pathlib import Path

from ehdesk.casework.documents import record_issued, verify
from ehdesk.commands.common import open_profile
from ehdesk.config.dates import show_time
from ehdesk.documents import KINDS, render_latest
from ehdesk.errors import EhdeskError, NotFound
from ehdesk.models import Family
from ehdesk.paths import check_output_file, write_private_file


class NotVerified(EhdeskError):
    exit_code = 1


# What each kind prints, as ``ehdesk pdf --help`` lists it (a kind's name alone does not say
# whose copy, or of which document).
KIND_HELP = {
    "agreement": "the office copy of the latest signed agreement, exactly as signed",
    "agreement-family": "the family's own copy of the latest signed agreement, in their language where the pack has it",
    "plan": "the family's current plan (TAF plan): outcomes, actions, who and when",
    "meeting": "the minutes of the family's latest meeting",
    "assessment": "the latest early help assessment, with the family's network (ecomap)",
    "progress": "the progression-of-change tools, charted over time",
    "closure": "the closure summary of the current or last episode",
    "chronology": "the chronology of significant events",
}


def register(sub) -> None:
    pdf = sub.add_parser("pdf", help="make a family's documents as PDF, or check a PDF against the record")
    kinds = pdf.add_subparsers(dest="pdf_kind", metavar="KIND", required=True)
    for kind in KINDS:
        p = kinds.add_parser(kind, help=KIND_HELP[kind])
        p.add_argument("--profile", required=True)
        p.add_argument("--family", required=True, metavar="ID")
        p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
        p.set_defaults(handler=_make, kind=kind)
    check = kinds.add_parser("verify", help="exit 0 only if FILE.pdf is byte-for-byte a document on record")
    check.add_argument("file", type=Path, metavar="FILE.pdf")
    check.add_argument("--profile", required=True)
    check.set_defaults(handler=_verify)


def _make(args) -> int:
    check_output_file(args.out, f"{args.kind}.pdf")
    store = open_profile(args)
    try:
        with store.session() as s:
            family = s.get(Family, args.family)
            if family is None or family.deleted:
                raise NotFound(
                    "That family is not in this worker's records (check the id with ehdesk family list)."
                )
            pdf, info = render_latest(args.kind, s, args.family)
            record_issued(s, args.family, args.kind, info.document_id, pdf, channel="cli")
            # Written inside the transaction: if the file cannot be written, nothing is recorded.
            try:
                write_private_file(args.out, pdf)
            except OSError as exc:
                raise EhdeskError(f"Could not write {args.out}: {exc.strerror}.") from exc
    finally:
        store.close()
    print(f"Wrote {info.title} ({info.document_id}) to {args.out}. This file is not encrypted: keep it safe.")
    return 0


def _verify(args) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise EhdeskError(f"Could not read {args.file}: {exc.strerror}.") from exc
    store = open_profile(args)
    try:
        with store.session() as s:
            found = verify(s, data)
    finally:
        store.close()
    if found is None:
        raise NotVerified(
            "This PDF is not a document on record: it was changed, or it was not issued from this profile."
        )
    print(
        f"Verified: this PDF is byte-for-byte the {found.kind} on record "
        f"(record {found.source_id}, first issued {show_time(found.issued_at)}, UK time)."
    )
    return 0
