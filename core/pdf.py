"""The PDF toolkit every app's reports.py builds on (reportlab).

Chinese text is embedded with a TrueType CJK font: the first usable file among the QIYUE_PDF_FONT environment variable
and the usual Debian locations (fonts-wqy-microhei first). When none exists, reportlab's built-in CID font
STSong-Light is used instead, so a PDF still renders on a bare machine (readers supply its glyphs).

User text must never reach a Paragraph unescaped: Paragraph parses a markup language, so a name such as
"<b>&协会" would otherwise change the formatting or break the build. `paragraph`, `data_table`, `key_value_table` and
`Report` escape everything they are given; only `escape` output or the toolkit's own markup goes in as markup.

Every builder returns the PDF as bytes and writes nothing to disk.
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

logger = logging.getLogger(__name__)

FONT_ENV_VAR = "QIYUE_PDF_FONT"
# TrueType (glyf) CJK fonts shipped by Debian packages, best first. Noto CJK is CFF-based and reportlab cannot embed it.
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/local/share/fonts/wqy-microhei.ttc",
)
FALLBACK_CID_FONT = "STSong-Light"

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

HEADER_BACKGROUND = colors.HexColor("#e9ecef")
GRID_COLOR = colors.HexColor("#adb5bd")
MUTED_COLOR = colors.HexColor("#6c757d")

# reportlab keeps per-document state on shared font objects and is not thread-safe; one build at a time per process.
_build_lock = threading.Lock()


def font_candidates() -> list[Path]:
    """Font files to try, in order: QIYUE_PDF_FONT (if set), then FONT_CANDIDATES."""
    paths = []
    configured = os.environ.get(FONT_ENV_VAR, "").strip()
    if configured:
        paths.append(Path(configured))
    paths.extend(Path(candidate) for candidate in FONT_CANDIDATES)
    return paths


@functools.cache
def _register_truetype(path: str) -> str | None:
    """Load a TrueType font (subfont 0 of a collection) once per process; None when the file is unusable."""
    name = "QiyueCJK-" + Path(path).stem
    try:
        font = TTFont(name, path, subfontIndex=0)
    except (OSError, TTFError) as exc:
        logger.warning("PDF font %s cannot be used: %s", path, exc)
        return None
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


@functools.cache
def _register_fallback() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    pdfmetrics.registerFontFamily(
        FALLBACK_CID_FONT,
        normal=FALLBACK_CID_FONT,
        bold=FALLBACK_CID_FONT,
        italic=FALLBACK_CID_FONT,
        boldItalic=FALLBACK_CID_FONT,
    )
    return FALLBACK_CID_FONT


def cjk_font_name() -> str:
    """The registered name of the CJK font to use: the first usable candidate file, else STSong-Light."""
    for path in font_candidates():
        if path.is_file():
            name = _register_truetype(str(path))
            if name is not None:
                return name
    return _register_fallback()


def font_is_embedded(font_name: str) -> bool:
    """True when the font is a TrueType file embedded in the PDF (False for the CID fallback)."""
    return font_name != FALLBACK_CID_FONT


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    header_cell: ParagraphStyle


def stylesheet(font_name: str | None = None) -> Styles:
    """Paragraph styles in the CJK font, all breaking lines the Chinese way (wordWrap='CJK')."""
    font = font_name or cjk_font_name()
    common = {"fontName": font, "wordWrap": "CJK"}
    return Styles(
        title=ParagraphStyle("QiyueTitle", fontSize=18, leading=24, alignment=TA_CENTER, spaceAfter=4, **common),
        subtitle=ParagraphStyle(
            "QiyueSubtitle", fontSize=9, leading=12, alignment=TA_CENTER, textColor=MUTED_COLOR, **common
        ),
        heading=ParagraphStyle("QiyueHeading", fontSize=13, leading=18, spaceBefore=10, spaceAfter=5, **common),
        body=ParagraphStyle("QiyueBody", fontSize=10, leading=15, spaceAfter=3, **common),
        small=ParagraphStyle("QiyueSmall", fontSize=8, leading=11, textColor=MUTED_COLOR, **common),
        cell=ParagraphStyle("QiyueCell", fontSize=9, leading=12, **common),
        header_cell=ParagraphStyle("QiyueHeaderCell", fontSize=9, leading=12, **common),
    )


def escape(value: object) -> str:
    """Text as Paragraph markup that shows it literally: &, < and > escaped, line breaks kept; None becomes ""."""
    if value is None:
        return ""
    text = xml_escape(str(value))
    return "<br/>".join(text.splitlines())


def paragraph(value: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph showing `value` literally (escaped)."""
    return Paragraph(escape(value), style)


def _widths(weights: Sequence[float] | None, columns: int, total: float) -> list[float]:
    weights = list(weights) if weights else [1.0] * columns
    if len(weights) != columns:
        raise ValueError(f"{columns} columns but {len(weights)} column widths")
    scale = total / sum(weights)
    return [weight * scale for weight in weights]


def data_table(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    col_widths: Sequence[float] | None = None,
    styles: Styles | None = None,
    width: float = CONTENT_WIDTH,
) -> Table:
    """A table whose every cell is an escaped Paragraph; the header row repeats on every page the table spans.

    `col_widths` are relative weights (e.g. (1, 3, 2)) scaled to `width`; equal columns when omitted.
    """
    styles = styles or stylesheet()
    data = [[paragraph(label, styles.header_cell) for label in header]]
    data.extend([paragraph(value, styles.cell) for value in row] for row in rows)
    table = Table(
        data,
        colWidths=_widths(col_widths, len(header), width),
        repeatRows=1,
        hAlign="LEFT",
        spaceBefore=2,
        spaceAfter=6,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def key_value_table(
    pairs: Iterable[tuple[object, object]],
    *,
    label_width: float = 0.28,
    styles: Styles | None = None,
    width: float = CONTENT_WIDTH,
) -> Table:
    """A two-column table of labels and values (e.g. an organization's basic data), every cell escaped."""
    styles = styles or stylesheet()
    data = [[paragraph(label, styles.header_cell), paragraph(value, styles.cell)] for label, value in pairs]
    table = Table(
        data,
        colWidths=[width * label_width, width * (1 - label_width)],
        hAlign="LEFT",
        spaceBefore=2,
        spaceAfter=6,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_BACKGROUND),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def format_date(value: datetime.date | None) -> str:
    """ISO date (2026-07-01), or an em dash when there is none."""
    return value.isoformat() if value else "—"


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    generated_on: datetime.date | None = None,
    subject: str = "",
    font_name: str | None = None,
) -> bytes:
    """An A4 document: the title, a "生成日期" line, then `story`; "第 N 页" at the foot of every page."""
    font = font_name or cjk_font_name()
    styles = stylesheet(font)
    generated_on = generated_on or timezone.localdate()
    generated_line = _("生成日期：%(date)s") % {"date": format_date(generated_on)}
    page_label = _("第 %(page)d 页")

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED_COLOR)
        canvas.drawCentredString(PAGE_SIZE[0] / 2, MARGIN_BOTTOM / 2, page_label % {"page": document.page})
        if document.page > 1:
            canvas.drawString(MARGIN_X, PAGE_SIZE[1] - MARGIN_TOP / 2, title)
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        subject=subject,
        author=_("契约 Qiyue"),
        creator=_("契约 Qiyue"),
        lang="zh-CN",
    )
    flowables = [paragraph(title, styles.title), paragraph(generated_line, styles.subtitle), Spacer(1, 6 * mm)]
    flowables.extend(story)
    with _build_lock:
        document.build(flowables, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


class Report:
    """A document assembled section by section (heading, paragraph, key_values, table), then `render()` to bytes.

    Every text given to it is escaped; reports.py modules build their PDFs with it.
    """

    def __init__(self, title: str, *, generated_on: datetime.date | None = None, subject: str = "") -> None:
        self.title = title
        self.generated_on = generated_on
        self.subject = subject
        self.font_name = cjk_font_name()
        self.styles = stylesheet(self.font_name)
        self.story: list[Flowable] = []

    def heading(self, text: object) -> None:
        self.story.append(paragraph(text, self.styles.heading))

    def paragraph(self, text: object, *, small: bool = False) -> None:
        self.story.append(paragraph(text, self.styles.small if small else self.styles.body))

    def key_values(self, pairs: Iterable[tuple[object, object]], *, label_width: float = 0.28) -> None:
        self.story.append(key_value_table(pairs, label_width=label_width, styles=self.styles))

    def table(
        self,
        header: Sequence[object],
        rows: Iterable[Sequence[object]],
        *,
        col_widths: Sequence[float] | None = None,
        empty: object = None,
    ) -> None:
        """A data table; when there are no rows and `empty` is given, that sentence is shown instead."""
        rows = list(rows)
        if not rows and empty is not None:
            self.paragraph(empty)
            return
        self.story.append(data_table(header, rows, col_widths=col_widths, styles=self.styles))

    def spacer(self, height: float = 4 * mm) -> None:
        self.story.append(Spacer(1, height))

    def add(self, flowable: Flowable) -> None:
        self.story.append(flowable)

    def render(self) -> bytes:
        return build_pdf(
            self.story,
            title=self.title,
            generated_on=self.generated_on,
            subject=self.subject,
            font_name=self.font_name,
        )
