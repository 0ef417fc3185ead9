"""The building blocks every ehdesk document is made of: an A4 page template with the council's
name, a title and a footer (document id, content hash, page x of y), headings, paragraphs,
label/value tables, grids, bullet lists, signature blocks and an audit page. A council's logo is
drawn in the header when its pack folder has a ``logo.png``. Documents (agreement, plan,
assessment, progress, closure) compose these and nothing else, so they all look alike.

Output is deterministic (``invariant``): the same content gives the same bytes, which is what
lets ``ehdesk pdf verify`` compare a file with the record."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import _listWrapOn

from ehdesk.pdf.fonts import SANS, SANS_BOLD, markup, register_fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#2f5d8a")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#f0f4f8")


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    council_name: str
    document_id: str
    subtitle: str = ""
    content_hash: str = ""  # SHA-256 of the frozen content this document shows
    # Printed on every page under the header (e.g. "NOT FOR PUBLICATION"), in red.
    marking: str = ""
    # The footer's words, for a document printed in a family's language.
    footer_document: str = "Document"
    footer_hash: str = "content SHA-256"
    footer_page: str = "Page {page} of {total}"


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    # shaping: HarfBuzz joins Arabic letters and orders right-to-left runs, so Arabic names look
    # right on paper (text extraction then gives presentation forms; NFKC maps them back).
    body = ParagraphStyle(
        "body", fontName=SANS, fontSize=10, leading=14, textColor=INK, alignment=TA_LEFT, shaping=1
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED),
        "label": ParagraphStyle(
            "label", parent=body, fontName=SANS_BOLD, fontSize=9, leading=12, textColor=MUTED
        ),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=SANS_BOLD, fontSize=17, leading=22, spaceAfter=4, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=4,
            textColor=ACCENT,
            keepWithNext=1,  # a heading never ends a page without what it heads
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=11,
            leading=15,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,
        ),
    }


def heading(text: str, level: int = 2) -> Paragraph:
    return Paragraph(markup(text), styles()[f"h{level}"])


def para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(markup(text), styles()[style])


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def page_break() -> PageBreak:
    return PageBreak()


def field_table(rows: Sequence[tuple[str, str]], label_width_mm: float = 50) -> Table:
    """Label / value pairs, as on a paper form."""
    st = styles()
    data = [
        [Paragraph(markup(label), st["label"]), Paragraph(markup(value or "—"), st["body"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[label_width_mm * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def grid_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], col_widths_mm: Sequence[float] | None = None
) -> Table:
    st = styles()
    data = [[Paragraph(markup(h), st["label"]) for h in header]]
    data += [[Paragraph(markup(cell), st["body"]) for cell in row] for row in rows]
    widths = [w * mm for w in col_widths_mm] if col_widths_mm else None
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def signature_block(
    name: str,
    role: str,
    signed_at: str,
    image_png: bytes | None,
    verbal_reason: str = "",
    verbally: str = "Consent given verbally",
    not_signed: str = "Not signed",
) -> Flowable:
    """One signer: the drawn signature over a line, with name, role and time beneath."""
    st = styles()
    if image_png:
        mark: Flowable = Image(io.BytesIO(image_png), width=60 * mm, height=20 * mm, kind="proportional")
    else:
        mark = Paragraph(markup(f"{verbally} — {verbal_reason}" if verbal_reason else not_signed), st["body"])
    table = Table(
        [
            [mark],
            [Paragraph(markup(f"{name} — {role}"), st["label"])],
            [Paragraph(markup(signed_at), st["small"])],
        ],
        colWidths=[80 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (0, 0), 0.8, INK), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return KeepTogether([table, spacer(3)])


def bullet_list(items: Sequence[str]) -> list[Flowable]:
    """A bulleted list, one paragraph per item, kept on one page with the heading before it: each
    item but the last keeps with the next (a KeepTogether would not join the heading's
    keep-with-next, so the heading could end a page alone)."""
    st = styles()
    bullet = ParagraphStyle("bullet", parent=st["body"], leftIndent=5 * mm, bulletIndent=1 * mm, spaceAfter=1)
    last = ParagraphStyle("bullet_last", parent=bullet, keepWithNext=0)
    kept = ParagraphStyle("bullet_kept", parent=bullet, keepWithNext=1)
    return [
        Paragraph(markup(item), last if i == len(items) - 1 else kept, bulletText="•")
        for i, item in enumerate(items)
    ]


def audit_page(
    signers: Sequence[tuple[str, str, str, str, str]], facts: Sequence[tuple[str, str]] = ()
) -> list[Flowable]:
    """A page that says who signed, in what role, how, when and on which device, and the ids and
    hashes that tie the document to the record. ``signers``: (name, role, how, when, device)."""
    story: list[Flowable] = [page_break(), heading("Audit of signatures")]
    story.append(
        grid_table(["Name", "Role", "How", "When", "Device"], signers, col_widths_mm=[38, 28, 42, 34, 32])
    )
    if facts:
        story += [spacer(4), field_table(facts, label_width_mm=40)]
    story.append(spacer(3))
    story.append(
        para(
            "The SHA-256 of this PDF file is kept on the family's record. To check that a copy is "
            "unchanged, use ehdesk's “Check a PDF” or the command ehdesk pdf verify.",
            "small",
        )
    )
    return story


def council_logo() -> Path | None:
    """The council's logo, if its pack ships one: ``logo.png`` beside the pack's ``pack.json``."""
    from ehdesk.config.pack import packs_dir
    from ehdesk.config.settings import device_settings

    chosen = Path(device_settings().council_pack)
    folder = chosen.parent if chosen.suffix == ".json" else packs_dir() / str(chosen)
    logo = folder / "logo.png"
    return logo if logo.is_file() else None


def _numbered_canvas(info: DocumentInfo):
    logo = council_logo()

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws 'page x of y' once the page count is known (two passes over saved states)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            left = 18 * mm
            if logo is not None:
                # At most 9 mm high and 30 mm wide, sitting on the header rule.
                self.drawImage(
                    str(logo),
                    left,
                    height - 13.5 * mm,
                    width=30 * mm,
                    height=9 * mm,
                    preserveAspectRatio=True,
                    anchor="sw",
                    mask="auto",
                )
                left += 33 * mm
            self.setFont(SANS_BOLD, 9)
            self.setFillColor(ACCENT)
            self.drawString(left, height - 12 * mm, info.council_name)
            self.setFont(SANS, 9)
            self.setFillColor(MUTED)
            self.drawRightString(width - 18 * mm, height - 12 * mm, info.title)
            if info.marking:
                self.setFont(SANS_BOLD, 8.5)
                self.setFillColor(colors.HexColor("#9e2a2b"))
                self.drawCentredString(width / 2, height - 17.5 * mm, info.marking)
                self.drawCentredString(width / 2, 16 * mm, info.marking)
                self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.line(18 * mm, height - 14 * mm, width - 18 * mm, height - 14 * mm)
            self.line(18 * mm, 14 * mm, width - 18 * mm, 14 * mm)
            footer = f"{info.footer_document} {info.document_id}"
            if info.content_hash:
                footer += f"  ·  {info.footer_hash} {info.content_hash[:16]}…"
            self.setFont(SANS, 7.5)
            self.drawString(18 * mm, 10 * mm, footer)
            self.drawRightString(
                width - 18 * mm, 10 * mm, info.footer_page.format(page=self._pageNumber, total=total)
            )

    return NumberedCanvas


# A heading ends a page only with at least this much room left under it for what it heads.
LEAST_START = 12 * mm


class HeadingWithItsStart(KeepTogether):
    """What reportlab groups for ``keepWithNext`` (a heading and what it heads): kept together
    where it fits. Where it does not, it starts here if the heading and a first part of what it
    heads fit (a table's header row and first rows, a paragraph's first lines), and on the next
    page only if they do not: kept whole, a chronology's long table left its first page empty."""

    def split(self, aW, aH):
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        *heads, body = self._content
        if self._H > aH and heads:
            # The heights KeepTogether itself measures its content with (reportlab's own helper).
            room = aH - _listWrapOn(heads, aW, self.canv)[1]
            if room >= LEAST_START and len(body.splitOn(self.canv, aW, room)) > 1:
                return list(self._content)
        return super().split(aW, aH)


def build_pdf(info: DocumentInfo, story: list[Flowable]) -> bytes:
    """Lay out ``story`` on A4 pages with the ehdesk page template; returns the PDF bytes."""
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=info.title,
        author=info.council_name,
        subject=info.subtitle,
        creator="ehdesk",
        invariant=1,
        keepTogetherClass=HeadingWithItsStart,
    )
    head = [heading(info.title, 1)]
    if info.subtitle:
        head.append(para(info.subtitle, "small"))
    doc.build(head + [spacer(3)] + story, canvasmaker=_numbered_canvas(info))
    return out.getvalue()
