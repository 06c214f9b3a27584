"""The PDF toolkit every app's reports.py builds on (reportlab).

Chinese text is embedded with a TrueType CJK font: the first usable file among the QIYUE_PDF_FONT environment variable
and the usual Debian locations (fonts-wqy-microhei first). When none exists, reportlab's built-in CID font
STSong-Light is used instead, so a PDF still renders on a bare machine (readers supply its glyphs).

User text must never reach a Paragraph unescaped: Paragraph parses a markup language, so a name such as
"<b>&协会" would otherwise change the formatting or break the build. `paragraph`, `data_table`, `key_value_table` and
`Report` escape everything they are given; only `escape` output or the toolkit's own markup goes in as markup.

Every issued PDF carries the official elements (`Issue`): the issuing office, the document number and the generation
time under the title, the number and the verification address at the foot of every page, and at the end a QR code of
the public verification page (which shows the document's key facts and SHA-256) beside a seal area where a signature
is expected. Wide tables go on landscape pages (`Report(..., landscape=True)`), and columns of codes, dates and
amounts wrap only at spaces (`data_table(..., whole_words=...)`), never inside a value. The apps issue their PDFs
through `verification.services.issue_pdf`, which numbers and registers them.

Every builder returns the PDF as bytes and writes nothing to disk.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
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
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
LANDSCAPE_SIZE = landscape(A4)
LANDSCAPE_CONTENT_WIDTH = LANDSCAPE_SIZE[0] - 2 * MARGIN_X
QR_SIZE = 32 * mm
SEAL_SIZE = 42 * mm

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
    word_cell: ParagraphStyle


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
        # Codes, dates and amounts: lines break at spaces only, never inside a value.
        word_cell=ParagraphStyle("QiyueWordCell", fontSize=9, leading=12, fontName=font, splitLongWords=0),
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
    whole_words: Sequence[int] = (),
) -> Table:
    """A table whose every cell is an escaped Paragraph; the header row repeats on every page the table spans.

    `col_widths` are relative weights (e.g. (1, 3, 2)) scaled to `width`; equal columns when omitted. The columns
    listed in `whole_words` (codes, dates, amounts) wrap at spaces only.
    """
    styles = styles or stylesheet()
    data = [[paragraph(label, styles.header_cell) for label in header]]
    data.extend(
        [paragraph(value, styles.word_cell if index in whole_words else styles.cell) for index, value in enumerate(row)]
        for row in rows
    )
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


@dataclass(frozen=True)
class Issue:
    """The official elements of an issued document: who issues it, its number, when it was generated, the public page
    that verifies it, and whether a seal is expected on it."""

    office: str
    number: str
    issued_at: datetime.datetime
    verify_url: str
    seal: bool = False


def qr_code(url: str, size: float = QR_SIZE) -> Drawing:
    """A QR code of `url` (reportlab's own widget), `size` points square."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


class SealArea(Flowable):
    """A dashed square where the issuing office's seal goes, with its name and the date beneath."""

    def __init__(self, office: str, day: datetime.date, font_name: str, size: float = SEAL_SIZE) -> None:
        super().__init__()
        self.office = office
        self.day = day
        self.font_name = font_name
        self.size = size
        self.width = size
        self.height = size + 12 * mm

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(MUTED_COLOR)
        canvas.setDash(3, 2)
        canvas.rect(0, 12 * mm, self.size, self.size)
        canvas.setFillColor(MUTED_COLOR)
        canvas.setFont(self.font_name, 9)
        canvas.drawCentredString(self.size / 2, 12 * mm + self.size / 2 - 3, _("（盖章处）"))
        canvas.setFillColor(colors.black)
        canvas.setFont(self.font_name, 9)
        canvas.drawCentredString(self.size / 2, 6 * mm, self.office[:24])
        canvas.drawCentredString(self.size / 2, 1 * mm, format_date(self.day))
        canvas.restoreState()


def issue_block(issue: Issue, styles: Styles, font_name: str, width: float) -> Flowable:
    """The end of an issued document: the QR code and how to verify, and the seal area when one is expected."""
    note = [
        paragraph(_("核验本文件"), styles.heading),
        paragraph(
            _(
                "扫描二维码或访问下列网址，可查看本文件的发文机关、文号、生成时间、要点和 SHA-256 指纹；"
                "把收到的文件拖入该页面即可比对是否与登记的原件一致。"
            ),
            styles.small,
        ),
        paragraph(issue.verify_url, styles.small),
        paragraph(_("文号：%(number)s") % {"number": issue.number}, styles.small),
    ]
    cells = [qr_code(issue.verify_url), note]
    widths = [QR_SIZE + 4 * mm, width - QR_SIZE - 4 * mm]
    if issue.seal:
        cells.append(SealArea(issue.office, timezone.localtime(issue.issued_at).date(), font_name))
        widths = [QR_SIZE + 4 * mm, width - QR_SIZE - SEAL_SIZE - 10 * mm, SEAL_SIZE + 6 * mm]
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, GRID_COLOR),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6 * mm), table])


def issue_line(issue: Issue) -> str:
    return _("发文机关：%(office)s　文号：%(number)s　生成时间：%(time)s") % {
        "office": issue.office,
        "number": issue.number,
        "time": timezone.localtime(issue.issued_at).strftime("%Y-%m-%d %H:%M"),
    }


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    generated_on: datetime.date | None = None,
    subject: str = "",
    font_name: str | None = None,
    issue: Issue | None = None,
    landscape_pages: bool = False,
) -> bytes:
    """An A4 document (landscape when asked): the title, the issue line (or a "生成日期" line for a document that is
    not issued), then `story`, then the QR code and seal area of an issued document. Every page's foot carries the
    page number, and the document number and verification address when issued."""
    font = font_name or cjk_font_name()
    styles = stylesheet(font)
    page_size = LANDSCAPE_SIZE if landscape_pages else PAGE_SIZE
    width = page_size[0] - 2 * MARGIN_X
    if issue is not None:
        subtitle = issue_line(issue)
    else:
        generated_on = generated_on or timezone.localdate()
        subtitle = _("生成日期：%(date)s") % {"date": format_date(generated_on)}
    page_label = _("第 %(page)d 页")

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED_COLOR)
        canvas.drawCentredString(page_size[0] / 2, MARGIN_BOTTOM / 2, page_label % {"page": document.page})
        if issue is not None:
            canvas.drawString(MARGIN_X, MARGIN_BOTTOM / 2, issue.number)
            canvas.drawRightString(page_size[0] - MARGIN_X, MARGIN_BOTTOM / 2, issue.verify_url)
        if document.page > 1:
            canvas.drawString(MARGIN_X, page_size[1] - MARGIN_TOP / 2, title)
            if issue is not None:
                canvas.drawRightString(page_size[0] - MARGIN_X, page_size[1] - MARGIN_TOP / 2, issue.number)
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        subject=subject,
        author=issue.office if issue is not None else _("契约 Qiyue"),
        creator=_("契约 Qiyue"),
        keywords=issue.number if issue is not None else "",
        lang="zh-CN",
    )
    flowables = [paragraph(title, styles.title), paragraph(subtitle, styles.subtitle), Spacer(1, 6 * mm)]
    flowables.extend(story)
    if issue is not None:
        flowables.append(issue_block(issue, styles, font, width))
    with _build_lock:
        document.build(flowables, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


class Report:
    """A document assembled section by section (heading, paragraph, key_values, table), then `render()` to bytes.

    Every text given to it is escaped; reports.py modules build their PDFs with it. `content_key()` fingerprints what
    was given (not when it was rendered): the same content gives the same key, so an issued document is reused until
    its content changes. `landscape=True` puts every page on its side for wide tables.
    """

    def __init__(
        self,
        title: str,
        *,
        generated_on: datetime.date | None = None,
        subject: str = "",
        landscape: bool = False,
    ) -> None:
        self.title = title
        self.generated_on = generated_on
        self.subject = subject
        self.landscape = landscape
        self.width = LANDSCAPE_CONTENT_WIDTH if landscape else CONTENT_WIDTH
        self.font_name = cjk_font_name()
        self.styles = stylesheet(self.font_name)
        self.story: list[Flowable] = []
        self._content: list[object] = [str(title), str(subject), landscape]

    def _record(self, *parts: object) -> None:
        self._content.append(json.loads(json.dumps(parts, default=str, ensure_ascii=False)))

    def content_key(self) -> str:
        """SHA-256 of everything given to the report, in order."""
        text = json.dumps(self._content, ensure_ascii=False, default=str, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def heading(self, text: object) -> None:
        self._record("heading", text)
        self.story.append(paragraph(text, self.styles.heading))

    def paragraph(self, text: object, *, small: bool = False) -> None:
        self._record("paragraph", text, small)
        self.story.append(paragraph(text, self.styles.small if small else self.styles.body))

    def key_values(self, pairs: Iterable[tuple[object, object]], *, label_width: float = 0.28) -> None:
        pairs = list(pairs)
        self._record("key_values", pairs, label_width)
        self.story.append(key_value_table(pairs, label_width=label_width, styles=self.styles, width=self.width))

    def table(
        self,
        header: Sequence[object],
        rows: Iterable[Sequence[object]],
        *,
        col_widths: Sequence[float] | None = None,
        empty: object = None,
        whole_words: Sequence[int] = (),
    ) -> None:
        """A data table; when there are no rows and `empty` is given, that sentence is shown instead."""
        rows = [list(row) for row in rows]
        if not rows and empty is not None:
            self.paragraph(empty)
            return
        self._record("table", list(header), rows, col_widths)
        self.story.append(
            data_table(
                header, rows, col_widths=col_widths, styles=self.styles, width=self.width, whole_words=whole_words
            )
        )

    def spacer(self, height: float = 4 * mm) -> None:
        self.story.append(Spacer(1, height))

    def add(self, flowable: Flowable, *, content: object = None) -> None:
        """A flowable built by the caller; `content` is what it shows (for the content key)."""
        self._record("flowable", content if content is not None else repr(flowable))
        self.story.append(flowable)

    def render(self, issue: Issue | None = None) -> bytes:
        return build_pdf(
            self.story,
            title=self.title,
            generated_on=self.generated_on,
            subject=self.subject,
            font_name=self.font_name,
            issue=issue,
            landscape_pages=self.landscape,
        )
