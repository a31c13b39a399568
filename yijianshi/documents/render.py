"""The written documents of a case as PDF: receipts, notices and decisions (004 annex 3).

At intake the window issues a 收件回执 (complete) or a 一次告知通知书 listing every missing or invalid thing at
once; each department answers within one working day with a 受理通知书 or a 不予受理决定书 that states its
reasons; a 补正通知书 stops the clock; the decision is a 准予决定书 or a 不予决定书; service is proved by a
送达回证; a withdrawal before the decision ends with a notice that the item cases are closed. A decision against
the applicant says how to contest it (行政许可法 art. 38; 行政复议法: 60 days; 行政诉讼法: 6 months).

Every document carries its own number, the application number, the issuer, the time of issue in Beijing time,
and — when a verification address is given — a QR code of that address, so anyone holding the paper can check
it online. Long lists flow onto further pages; every page names the document and "page n of N".

This module reads no models: the caller gathers `DocumentData` (and masks what must be masked). The only
setting read is ``PDF_FONT``: a TrueType font file (.ttf, or .ttc/.otf with TrueType outlines) to embed. Without
one, a common system CJK font is looked for; failing that, reportlab's standard CID font STSong-Light is used,
which needs no file but is not embedded (the reader's PDF viewer supplies the glyphs).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.documents.kinds import DocumentKind
from yijianshi.documents.seal import Sealer, draw_seal, seal_pdf

logger = logging.getLogger(__name__)

CID_FONT = "STSong-Light"
# A font must have these to be taken for Chinese text (a sample from the titles and labels).
CJK_SAMPLE = "收件回执一次告知通知书受理不予补正准予决定送达回证撤回申请编号"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
# Best first. Noto Sans CJK / Source Han Sans are usually CFF-flavoured (.otf, .ttc), which reportlab cannot
# embed; they are tried, and skipped when they fail to load.
SYSTEM_FONT_PATTERNS = (
    "wqy-microhei.tt[cf]",
    "wqy-zenhei.tt[cf]",
    "NotoSansSC-Regular.[ot]tf",
    "NotoSansCJK*-Regular.tt[cf]",
    "NotoSansCJK*-Regular.otf",
    "SourceHanSans*-Regular.*",
    "DroidSansFallbackFull.ttf",
    "uming.tt[cf]",
    "ukai.tt[cf]",
)


@dataclass(frozen=True)
class DocumentData:
    kind: str  # one of KINDS
    number: str  # the document's own number, e.g. "YJS-RC-20261121-000123"
    application_number: str
    issued_at: datetime  # aware
    issuer: str  # department or service point name
    applicant_name: str  # shown as given (the caller masks what must be masked)
    bundle_name: str
    lines: tuple[tuple[str, str], ...] = ()  # (label, value) rows, e.g. ("事项", "社会保障卡申领")
    items: tuple[str, ...] = ()  # the missing/invalid things (一次告知), reasons, results
    verify_url: str = ""  # encoded in the QR code
    title: tuple[str, str] | None = (
        None  # (zh, en) instead of the kind's label, e.g. 不予确认决定书 (kinds.py)
    )
    seal: Sealer | None = (
        None  # the issuing department: its full name is printed and its seal drawn and signed
    )


@dataclass(frozen=True)
class _Kind:
    """How a kind of document is laid out; its title is the kind's label (documents/kinds.py)."""

    kind: str
    items_zh: str  # heading of the item list
    items_en: str
    notes: tuple[tuple[str, str], ...] = ()  # fixed paragraphs (zh, en) after the list
    signatures: bool = False  # blank fields for the recipient to sign (送达回证)

    @property
    def title_zh(self) -> str:
        return DocumentKind(self.kind).zh

    @property
    def title_en(self) -> str:
        return DocumentKind(self.kind).en


_REMEDY = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法"
    "向人民法院提起行政诉讼。",
    "If you disagree with this decision, you may apply for administrative reconsideration within sixty days of "
    "receiving it, or bring an administrative lawsuit before a people's court within six months of receiving it.",
)

KINDS: dict[str, _Kind] = {
    "receipt": _Kind(
        "receipt",
        "已收取的材料",
        "Materials received",
        notes=(
            (
                "申请材料齐全、符合法定形式，已予收件，将推送各办理部门受理。",
                "The application is complete and has been received; it is passed on to the departments "
                "concerned for acceptance.",
            ),
        ),
    ),
    "deficiency_notice": _Kind(
        "deficiency_notice",
        "需补齐或更正的全部内容",
        "Everything to supply or correct",
        notes=(
            (
                "以上为需补齐或更正的全部内容，请一次性补齐后重新提交。",
                "This is the complete list: please supply or correct all of it, then submit again.",
            ),
        ),
    ),
    "acceptance_notice": _Kind(
        "acceptance_notice",
        "说明",
        "Notes",
        notes=(
            (
                "您的申请已予受理，办理时限自受理之日起计算。",
                "Your application has been accepted; the time limit runs from the day of acceptance.",
            ),
        ),
    ),
    "rejection_decision": _Kind(
        "rejection_decision",
        "不予受理的理由",
        "Reasons",
        notes=(_REMEDY,),
    ),
    "correction_notice": _Kind(
        "correction_notice",
        "需补正的内容",
        "To be corrected",
        notes=(
            (
                "补正期间不计入办理时限，收到补正材料后继续计算。",
                "The time limit is suspended until the corrections are received.",
            ),
        ),
    ),
    "approval_decision": _Kind("approval_decision", "办理结果", "Results"),
    "denial_decision": _Kind("denial_decision", "不予准予的理由", "Reasons", notes=(_REMEDY,)),
    "delivery_receipt": _Kind("delivery_receipt", "送达的文书", "Documents served", signatures=True),
    "withdrawal_notice": _Kind(
        "withdrawal_notice",
        "已终止办理的事项",
        "Items closed",
        notes=(
            (
                "您已在作出审批决定前撤回申请，相关事项终止办理；需退还的申请材料由综合受理窗口统一退还。",
                "You withdrew the application before a decision was made: the items are closed, and any "
                "paper materials are returned at the one-stop window.",
            ),
        ),
    ),
}


def _kind(kind: str) -> _Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise DomainError(
            "unknown_document_kind",
            f"未知的文书种类：{kind}",
            f"Unknown document kind: {kind}",
            field="kind",
        ) from None


def title_for(kind: str) -> tuple[str, str]:
    """The document's title in Chinese and English, e.g. ("收件回执", "Receipt")."""
    _kind(kind)
    return DocumentKind.of(kind)


# --- the font ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontChoice:
    name: str  # the name registered with reportlab
    source: str  # "setting" | "system" | "builtin"
    path: str = ""  # the file embedded, if any
    problems: tuple[str, ...] = ()  # for an admin health page


def _register_ttf(path: Path) -> tuple[str, bool]:
    """Register a TrueType font file; return its name and whether it has Chinese glyphs. Raises if unusable."""
    name = "YJS-" + hashlib.sha256(str(path).encode()).hexdigest()[:10]
    font = TTFont(name, str(path), subfontIndex=0)
    pdfmetrics.registerFont(font)
    glyphs = font.face.charToGlyph
    return name, all(ord(ch) in glyphs for ch in CJK_SAMPLE)


def _system_candidates() -> list[Path]:
    found: list[Path] = []
    for pattern in SYSTEM_FONT_PATTERNS:
        for folder in FONT_DIRS:
            root = Path(folder).expanduser()
            if root.is_dir():
                found.extend(sorted(root.rglob(pattern)))
    return found


@lru_cache(maxsize=1)
def _system_font() -> tuple[str, str] | None:
    for path in _system_candidates():
        try:
            name, has_cjk = _register_ttf(path)
        except Exception as exc:  # reportlab raises TTFError, struct.error, OSError... on unreadable fonts
            logger.debug("PDF font %s skipped: %s", path, exc)
            continue
        if has_cjk:
            return name, str(path)
    return None


@lru_cache(maxsize=8)
def _resolve_font(configured: str) -> FontChoice:
    """Cached, so each setting is tried, registered and its problems logged once per process."""
    choice: FontChoice | None = None
    problems: list[str] = []
    if configured:
        path = Path(configured).expanduser()
        try:
            name, has_cjk = _register_ttf(path)
        except Exception as exc:  # see _system_font
            problems.append(
                f"PDF_FONT {configured} cannot be used ({type(exc).__name__}: {exc}); a fallback font is used"
            )
        else:
            if not has_cjk:
                problems.append(f"PDF_FONT {configured} lacks Chinese characters: they will not show")
            choice = FontChoice(name=name, source="setting", path=str(path), problems=tuple(problems))
    if choice is None:
        system = _system_font()
        if system is not None:
            choice = FontChoice(name=system[0], source="system", path=system[1], problems=tuple(problems))
        else:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
            choice = FontChoice(name=CID_FONT, source="builtin", problems=tuple(problems))
    for problem in problems:
        logger.warning("%s", problem)
    return choice


def _configured_font() -> str:
    return str(settings.PDF_FONT or "")


def pdf_font() -> FontChoice:
    """The font documents are set in: ``settings.PDF_FONT``, else a system CJK font, else STSong-Light."""
    return _resolve_font(_configured_font())


def check_config() -> list[str]:
    """Problems with the document font, for an admin health page."""
    return list(pdf_font().problems)


# --- the QR code ---------------------------------------------------------------------------------------------

QR_BORDER = 4  # the quiet zone the standard asks for, in modules
QR_SCALE = 8  # pixels per module (qr_png only: the documents draw the code in vector graphics)
# Any of the eight masks gives a valid symbol that every reader decodes (ISO/IEC 18004 §7.8); choosing the one with
# the lowest penalty score costs segno eight trial placements, two thirds of the code's time. A fixed mask makes
# it three times cheaper (docs/performance.md "Sealed documents"); mask 4 (⌊i/2⌋ + ⌊j/3⌋) breaks up long runs.
QR_MASK = 4
QR_TAG = "YJS.QR"  # the marked content that holds the code, one unit per module (tests read it back)


def qr_code(url: str) -> segno.QRCode:
    """A full QR code (never a Micro QR, which phone cameras do not read) of `url`, error level M, mask QR_MASK."""
    return segno.make_qr(url, error="m", mask=QR_MASK)


def qr_png(url: str) -> bytes:
    """The code as a PNG image, `QR_SCALE` pixels per module, with its quiet zone."""
    out = BytesIO()
    qr_code(url).save(out, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return out.getvalue()


def qr_runs(matrix: Any) -> list[tuple[int, int, int]]:
    """The dark modules of a QR matrix as horizontal runs (row, first column, length), row 0 at the top."""
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


class QrFlowable(Flowable):
    """The QR code of `url` drawn as filled rectangles, one per run of dark modules, in one path: no image to
    rasterise, compress and embed. The modules are drawn one unit per module (scaled to the size asked for, with
    the quiet zone around them), inside a marked-content sequence tagged `QR_TAG` that tests read back."""

    def __init__(self, url: str, side: float) -> None:
        super().__init__()
        self.matrix = qr_code(url).matrix
        self.side = side
        self.width = self.height = side

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab
        return self.side, self.side

    def draw(self) -> None:
        canvas = self.canv
        size = len(self.matrix)
        module = self.side / (size + 2 * QR_BORDER)
        canvas.saveState()
        canvas.translate(QR_BORDER * module, QR_BORDER * module)
        canvas.scale(module, module)
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for r, c, length in qr_runs(self.matrix):
            path.rect(c, size - 1 - r, length, 1)
        canvas.addLiteral(f"/{QR_TAG} <</Size {size}>> BDC")
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.addLiteral("EMC")
        canvas.restoreState()


# --- the document ----------------------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Caller text as paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


def _beijing(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("issued_at must be an aware datetime")
    local = clock.local(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    grey = colors.HexColor("#555555")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER),
        "title_en": ParagraphStyle(
            "title_en", parent=base, fontSize=10, leading=14, alignment=TA_CENTER, textColor=grey
        ),
        "number": ParagraphStyle("number", parent=base, fontSize=10, alignment=TA_CENTER, spaceBefore=4),
        "label": ParagraphStyle("label", parent=base, fontSize=9.5, leading=13),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=12, leading=17, spaceBefore=10, spaceAfter=4
        ),
        "item": ParagraphStyle(
            "item", parent=base, leftIndent=9 * mm, bulletIndent=1 * mm, bulletFontName=font, spaceAfter=2
        ),
        "note": ParagraphStyle("note", parent=base, spaceBefore=6),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=grey),
        "qr": ParagraphStyle(
            "qr", parent=base, fontSize=7.5, leading=10, alignment=TA_CENTER, textColor=grey
        ),
        "closing": ParagraphStyle("closing", parent=base, alignment=TA_RIGHT, spaceBefore=18),
    }


def _bilingual(zh: str, en: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f'{_text(zh)}<br/><font size="7.5" color="#666666">{_text(en)}</font>', style)


def _grid(rows: list[list[Any]], widths: list[float], *, min_height: float = 0) -> Table:
    table = Table(
        rows,
        colWidths=widths,
        splitInRow=1,
        hAlign="LEFT",
        minRowHeights=[min_height] * len(rows) if min_height else None,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


class _SealedClosing(Flowable):
    """The closing lines (the issuer's full name and the date) on the right, with the seal over them."""

    SEAL_RADIUS = 21 * mm

    def __init__(self, name: str, issued: str, font: str, width: float) -> None:
        super().__init__()
        self.name, self.issued, self.font, self.width = name, issued, font, width
        self.height = 2 * self.SEAL_RADIUS + 6 * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        right = self.width
        cx, cy = right - 30 * mm, self.height / 2
        canvas.setFont(self.font, 10.5)
        canvas.drawRightString(right, cy + 3 * mm, self.name)
        canvas.drawRightString(right, cy - 4 * mm, self.issued)
        draw_seal(canvas, cx, cy, self.name, self.font, radius=self.SEAL_RADIUS)


def _story(
    data: DocumentData, spec: _Kind, styles: dict[str, ParagraphStyle], width: float, font: str = ""
) -> list[Flowable]:
    issued = _beijing(data.issued_at)
    title_zh, title_en = data.title or (spec.title_zh, spec.title_en)
    heading: list[Flowable] = [
        Paragraph(_text(title_zh), styles["title"]),
        Paragraph(_text(title_en), styles["title_en"]),
        Paragraph(f"编号 No. {_text(data.number)}", styles["number"]),
    ]
    story: list[Flowable] = []
    if data.verify_url:
        qr_side = 30 * mm
        qr_cell = [
            QrFlowable(data.verify_url, qr_side),
            Paragraph("扫码核验 Scan to verify", styles["qr"]),
        ]
        top = Table(
            [[Spacer(qr_side, 1), heading, qr_cell]],
            colWidths=[qr_side + 4 * mm, width - 2 * (qr_side + 4 * mm), qr_side + 4 * mm],
        )
        top.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(top)
    else:
        story.extend(heading)
    story.append(Spacer(1, 6 * mm))

    rows: list[tuple[str, str, str]] = [
        ("申请编号", "Application No.", data.application_number),
        ("申请人", "Applicant", data.applicant_name),
        ("一件事", "Service bundle", data.bundle_name),
        ("出具单位", "Issued by", data.issuer),
        ("出具时间", "Issued at (Beijing time)", issued),
    ]
    label_width = 38 * mm
    table_rows: list[list[Any]] = [
        [_bilingual(zh, en, styles["label"]), Paragraph(_text(value), styles["cell"])]
        for zh, en, value in rows
    ]
    table_rows += [
        [Paragraph(_text(label), styles["label"]), Paragraph(_text(value), styles["cell"])]
        for label, value in data.lines
    ]
    story.append(_grid(table_rows, [label_width, width - label_width]))

    if data.items:
        story.append(
            Paragraph(
                f'{_text(spec.items_zh)} <font size="9" color="#666666">{_text(spec.items_en)}</font>',
                styles["heading"],
            )
        )
        story.extend(
            Paragraph(_text(item), styles["item"], bulletText=f"{i}.")
            for i, item in enumerate(data.items, start=1)
        )
    for zh, en in spec.notes:
        story.append(_bilingual(zh, en, styles["note"]))
    if spec.signatures:
        story.append(Spacer(1, 6 * mm))
        blanks = [
            ("受送达人签名（盖章）", "Signature of the recipient"),
            ("签收日期", "Date received"),
            ("送达人", "Served by"),
            ("送达方式", "Manner of service"),
        ]
        story.append(
            _grid(
                [[_bilingual(zh, en, styles["label"]), ""] for zh, en in blanks],
                [label_width + 12 * mm, width - label_width - 12 * mm],
                min_height=12 * mm,
            )
        )
    if data.verify_url:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(f"核验地址 Verify at: {_text(data.verify_url)}", styles["small"]))
    if data.seal is not None:
        story.append(Spacer(1, 4 * mm))
        story.append(_SealedClosing(data.seal.name, issued, font, width))
    else:
        story.append(Paragraph(f"{_text(data.issuer)}<br/>{issued}", styles["closing"]))
    return story


def _numbered_canvas(font: str, title: str, number: str, watermark: str = "") -> Callable[..., Canvas]:
    """A canvas that holds its pages back until the end, to print "page n of N" and a header on each (and,
    given, a watermark across each page: a sample form's 样表)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for page, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._decorate(page, total)
                super().showPage()
            super().save()

        def _decorate(self, page: int, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.setStrokeColor(colors.HexColor("#aaaaaa"))
            self.line(20 * mm, 15 * mm, width - 20 * mm, 15 * mm)
            self.drawString(20 * mm, 10 * mm, number)
            self.drawRightString(
                width - 20 * mm, 10 * mm, f"第 {page} 页 / 共 {total} 页  Page {page} of {total}"
            )
            if page > 1:
                self.drawString(20 * mm, height - 12 * mm, f"{title}  {number}")
                self.line(20 * mm, height - 14 * mm, width - 20 * mm, height - 14 * mm)
            if watermark:
                self.setFont(font, 64)
                self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
                self.translate(width / 2, height / 2)
                self.rotate(35)
                self.drawCentredString(0, 0, watermark)
            self.restoreState()

    return NumberedCanvas


def _a4(out: BytesIO, *, title: str, subject: str, author: str) -> SimpleDocTemplate:
    """An A4 page with the documents' margins (room for the page footer), in Chinese; `invariant`: the same
    content gives the same bytes."""
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        title=title,
        subject=subject,
        author=author,
        creator="yijianshi",
        lang="zh-CN",
        invariant=1,
    )


def render_pdf(data: DocumentData) -> bytes:
    """The document as an A4 PDF: title, number, particulars, the list, fixed notes, QR code, page footers;
    with `data.seal`, the seal drawn at the end and the file signed (documents/seal.py).

    Unsealed, the bytes depend on `data` (and the font) only, so the same document renders the same file twice;
    a seal's signature draws a fresh nonce each time.
    """
    spec = _kind(data.kind)
    title_zh, title_en = data.title or (spec.title_zh, spec.title_en)
    font = pdf_font()
    styles = _styles(font.name)
    out = BytesIO()
    doc = _a4(out, title=f"{title_zh} {data.number}", subject=f"{title_en} {data.number}", author=data.issuer)
    doc.build(
        _story(data, spec, styles, doc.width, font.name),
        canvasmaker=_numbered_canvas(font.name, title_zh, data.number),
    )
    if data.seal is None:
        return out.getvalue()
    return seal_pdf(out.getvalue(), data.seal, at=data.issued_at, number=data.number)


# --- the merged application form (一张表) on paper -----------------------------------------------------------


@dataclass(frozen=True)
class FormLine:
    """One thing to fill in on the merged form."""

    label_zh: str
    label_en: str
    required: bool
    value: str = ""  # a sample's illustrative value; blank on the blank form
    choices: tuple[str, ...] = ()  # printed as boxes to tick on the blank form


@dataclass(frozen=True)
class FormSheet:
    """A bundle's merged application form (一张表, 001 §15) for the answers given, as a printable PDF: blank to
    fill in by hand, or a sample (样表) whose values are illustrative — a guide's 申请书示范文本 (003 三.3)."""

    bundle_code: str
    bundle_name: str
    region_name: str
    version: int
    items: tuple[str, ...]  # the items the form applies for, by name
    lines: tuple[FormLine, ...]
    sample: bool = False
    guide_url: str = ""  # where the guide is online


SAMPLE_MARK = ("样表", "SAMPLE")
SAMPLE_NOTICE = (
    "样表：本表中填写的内容均为示例，不是真实信息，仅供参照填写，不能作为申请提交。",
    "SAMPLE: every value on this form is illustrative, not real; it shows how to fill in the form and cannot be "
    "submitted.",
)
DECLARATION = (
    "本人承诺以上填写内容真实、准确、完整，如有虚假，自愿承担相应的法律责任。",
    "I declare that what I have filled in above is true, accurate and complete, and I accept the legal "
    "consequences of anything false.",
)


def form_title(sheet: FormSheet) -> tuple[str, str]:
    """The form's title, e.g. ("新生儿出生一件事申请表（样表）", "Application form (sample)")."""
    if sheet.sample:
        return f"{sheet.bundle_name}申请表（{SAMPLE_MARK[0]}）", "Application form (sample)"
    return f"{sheet.bundle_name}申请表", "Application form"


def _blank(line: FormLine) -> str:
    if line.choices:
        return "\u3000\u3000".join(f"□ {c}" for c in line.choices)
    return ""


def _form_story(
    sheet: FormSheet, styles: dict[str, ParagraphStyle], width: float, number: str
) -> list[Flowable]:
    title_zh, title_en = form_title(sheet)
    story: list[Flowable] = [
        Paragraph(_text(title_zh), styles["title"]),
        Paragraph(_text(title_en), styles["title_en"]),
        Paragraph(f"表号 Form No. {_text(number)}", styles["number"]),
    ]
    if sheet.sample:
        story.append(_bilingual(*SAMPLE_NOTICE, styles["note"]))
    story.append(Spacer(1, 5 * mm))
    label_width = 52 * mm
    particulars: list[tuple[str, str, str]] = [
        ("一件事", "Service bundle", sheet.bundle_name),
        ("地区", "Region", sheet.region_name),
        ("本表申请的事项", "Items applied for", "、".join(sheet.items) or "—"),
    ]
    story.append(
        _grid(
            [
                [_bilingual(zh, en, styles["label"]), Paragraph(_text(value), styles["cell"])]
                for zh, en, value in particulars
            ],
            [label_width, width - label_width],
        )
    )
    story.append(
        Paragraph(
            '申请人填写 <font size="9" color="#666666">To be filled in by the applicant</font>'
            '<font size="9">（* 为必填 required）</font>',
            styles["heading"],
        )
    )
    rows: list[list[Any]] = [
        [
            _bilingual(("* " if line.required else "") + line.label_zh, line.label_en, styles["label"]),
            Paragraph(_text(line.value if sheet.sample else _blank(line)), styles["cell"]),
        ]
        for line in sheet.lines
    ]
    if rows:
        story.append(_grid(rows, [label_width, width - label_width], min_height=10 * mm))
    story.append(_bilingual(*DECLARATION, styles["note"]))
    story.append(Spacer(1, 3 * mm))
    signed = "（签名）" if sheet.sample else ""
    story.append(
        _grid(
            [
                [
                    _bilingual("申请人签名", "Signature of the applicant", styles["label"]),
                    Paragraph(signed, styles["cell"]),
                ],
                [_bilingual("填表日期", "Date", styles["label"]), Paragraph("", styles["cell"])],
            ],
            [label_width, width - label_width],
            min_height=12 * mm,
        )
    )
    if sheet.guide_url:
        story.append(Spacer(1, 4 * mm))
        story.append(
            Paragraph(
                f"在线填写，大部分内容可自动填好 Apply online, mostly filled in for you: {_text(sheet.guide_url)}",
                styles["small"],
            )
        )
    return story


def render_form_pdf(sheet: FormSheet) -> bytes:
    """The merged form as an A4 PDF, set like the documents (the same font, grid and page footers); a sample
    says so in its title, under it, and across every page. The same sheet renders the same bytes."""
    font = pdf_font()
    styles = _styles(font.name)
    title_zh, title_en = form_title(sheet)
    number = f"{sheet.bundle_code}-V{sheet.version}"
    out = BytesIO()
    doc = _a4(out, title=title_zh, subject=title_en, author=sheet.region_name)
    watermark = " ".join(SAMPLE_MARK) if sheet.sample else ""
    doc.build(
        _form_story(sheet, styles, doc.width, number),
        canvasmaker=_numbered_canvas(font.name, title_zh, number, watermark=watermark),
    )
    return out.getvalue()
