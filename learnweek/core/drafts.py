"""Drafted Word documents (a notice, a work summary) in the official document format of GB/T
9704-2012 党政机关公文格式, which officials print, seal and send: A4, top margin 37 mm, binding
(left) margin 28 mm, a text block of 156 × 225 mm holding 22 lines (a line grid and exact line
spacing of 28.95 pt) of 28 characters (the 3号 body set 0.25 pt closer; see CONDENSE_TWIPS for
why not Word's character grid); the title
in 2号 方正小标宋简体, centred; the body in 3号 仿宋_GB2312 with first-line indents of two
characters; headings 一、 in 黑体 and （一） in 楷体_GB2312; the attachments listed after the body;
the issuer and the date at the foot; page numbers “— 1 —” in 4号 宋体 below the text block, odd
pages on the right and even pages on the left.

Every run and every style names its East-Asian font (``w:eastAsia``), so Chinese never falls back
to a Latin font, and the font table names a fallback for each official font (仿宋_GB2312 → 仿宋,
楷体_GB2312 → 楷体 ...) for Word and WPS where the GB2312 fonts are not installed. Parts a person
must still write are marked 【待填写：…】 in red, and the draft's own remark is small and red,
so nothing generated passes for something decided. A draft is a ``core.documents.Document``
(docx) under the name it is given."""

from __future__ import annotations

import datetime
import io
import logging
from functools import cache
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

from learnweek.core import documents
from learnweek.core.chinese import chinese_date, chinese_number
from learnweek.core.grid import a4_section, add_field, east_asian_font
from learnweek.core.text import clean_text

RED = RGBColor(0xC0, 0x00, 0x00)
TODO = "【待填写：{}】"

# The official fonts by role (GB/T 9704 §5.2 and §7), named exactly as the fonts are installed on
# officials' machines; the PDF rendering maps these names to Noto Serif/Sans CJK SC.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

# The font table's entries: (fallback for Word/WPS, panose, family, pitch); all GB2312 (charset 86).
FONT_TABLE = {
    TITLE_FONT: ("宋体", "02000000000000000000", "roman", "variable"),
    BODY_FONT: ("仿宋", "02010609030101010101", "modern", "fixed"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "modern", "fixed"),
    SUBHEADING_FONT: ("楷体", "02010609030101010101", "modern", "fixed"),
    PAGE_NUMBER_FONT: ("SimSun", "02010600030101010101", "roman", "variable"),
}

# Sizes: 2号 22 pt, 3号 16 pt, 4号 14 pt; the tables of a summary in 小四 (12 pt), the remark in 五号.
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE, REMARK_SIZE = 22, 16, 14, 12, 10.5

# The page (GB/T 9704 §5.2.1, §5.2.2): A4; the text block 156 × 225 mm, 37 mm from the top and
# 28 mm from the binding edge, so 26 mm on the right and 35 mm at the bottom.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, LEFT_MM, TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 37, 28, 156, 225
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
TEXT_WIDTH_PT = TEXT_WIDTH_MM * 72 / 25.4
# 22 lines in 225 mm: 28.95 pt a line (579 twentieths of a point; 580 would leave room for 21).
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM * 72 / 25.4 / LINES_PER_PAGE * 20)
# 28 characters in 156 mm: 15.79 pt a character, so the 16 pt body font is set 0.25 pt closer
# (w:spacing -5 twentieths of a point: 28 × 15.75 pt = 441 pt of the 442.2). Word's own way, a
# character grid (docGrid linesAndChars with a negative charSpace), is not used: LibreOffice, which
# renders our PDFs, gives every 16 pt character two cells of a 15.79 pt grid (14 characters a
# line); the condensed spacing gives 28 a line in Word, WPS and LibreOffice alike.
CHAR_PT = TEXT_WIDTH_PT / CHARS_PER_LINE
CONDENSE_TWIPS = -5
TITLE_LINE_TWIPS = 36 * 20  # a title that wraps: 2号 lines 36 pt apart
# The page number's 一字线 about 7 mm below the text block (§7.5): a 20 pt line whose middle sits
# 7 mm below the block's lower edge, 35 mm above the paper's.
PAGE_NUMBER_LINE_PT = 20
FOOTER_MM = 35 - 7 - PAGE_NUMBER_LINE_PT / 2 * 25.4 / 72
MAX_IMAGE_CM = TEXT_WIDTH_MM / 10  # an image never wider than the text block


def chars(n: float) -> Pt:
    """The width of ``n`` characters of body text on the grid (an indent of 两字 is chars(2))."""
    return Pt(n * CHAR_PT)


def width_in_chars(text: str) -> float:
    """The width of ``text`` in characters of its size: a Chinese character one, a digit or Latin
    letter half (2026年9月1日 is six)."""
    return sum(0.5 if ord(c) < 0x2000 else 1 for c in text)


# A title's line holds 20 characters of 2号; a longer title is broken where the meaning allows
# (GB/T 9704 §7.3.1: 回行时要做到词意完整，排列对称), never inside these words.
TITLE_CHARS_PER_LINE = int(TEXT_WIDTH_PT // (TITLE_SIZE - 0.25))
KEEP_TOGETHER = ("全民终身学习", "活动周", "学习型", "示范活动", "工作总结", "教育厅", "教育局")
_NO_LINE_START = "，。、；：？！）》〕”’"
_NO_LINE_END = "（《〔“‘"


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def title_lines(text: str, capacity: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """``text`` in the lines a title is set in: one if it fits, else broken between words (jieba)
    into lines as even as they can be, each within ``capacity`` characters
    (关于开展2026年吉林省 / 全民终身学习活动周的通知). A title with no such break is one line
    and wraps where the word processor wraps it."""
    total = width_in_chars(text)
    if total <= capacity:
        return [text]
    inside = {
        i
        for word in KEEP_TOGETHER
        for start in _starts(text, word)
        for i in range(start + 1, start + len(word))
    }
    breaks, at = [], 0
    for token in _jieba().lcut(text)[:-1]:
        at += len(token)
        if at not in inside and text[at] not in _NO_LINE_START and text[at - 1] not in _NO_LINE_END:
            breaks.append(at)
    lines = -(-int(total) // capacity)
    target = total / lines
    result, start = [], 0
    for _ in range(lines - 1):
        fitting = [b for b in breaks if b > start and width_in_chars(text[start:b]) <= capacity]
        if not fitting:
            return [text]
        best = min(fitting, key=lambda b: (abs(width_in_chars(text[start:b]) - target), -b))
        result.append(text[start:best])
        start = best
    if width_in_chars(text[start:]) > capacity:
        return [text]
    return [*result, text[start:]]


def _starts(text: str, word: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(word, i)]


def _exact(paragraph_format, twips: int = LINE_PITCH_TWIPS) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Twips(twips)
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)


# The elements that come after w:snapToGrid in a w:pPr and after w:spacing in a w:rPr (the
# schema's order, which Word insists on).
_AFTER_SNAP_TO_GRID = tuple(
    f"w:{t}"
    for t in "spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split()
)
_AFTER_CHARACTER_SPACING = tuple(
    f"w:{t}"
    for t in "w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang "
    "eastAsianLayout specVanish oMath".split()
)


def _off_grid(paragraph_format) -> None:
    """The paragraph does not snap to the line grid (a small remark, a table cell, an image, a
    title whose lines are further apart)."""
    p_pr = paragraph_format.element.get_or_add_pPr()
    if p_pr.find(qn("w:snapToGrid")) is None:
        p_pr.insert_element_before(
            parse_xml(f'<w:snapToGrid {nsdecls("w")} w:val="0"/>'), *_AFTER_SNAP_TO_GRID
        )


def _single(paragraph: Paragraph) -> None:
    """Single line spacing off the grid: a line as tall as what it holds (an image is not cut to
    one line, a remark in 五号 is not spread to the body's lines)."""
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    _off_grid(paragraph.paragraph_format)


def add_run(
    paragraph: Paragraph, text: str, font: str, *, size: float | None = None, color: RGBColor | None = None
):
    run = paragraph.add_run(text)
    east_asian_font(run, font, every_script=True)
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _page_field(paragraph: Paragraph) -> None:
    """“— N —”: the page number as a PAGE field between two 一字线, in 4号 宋体."""
    add_run(paragraph, "— ", PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
    add_field(
        paragraph, "PAGE", lambda text: add_run(paragraph, text, PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
    )
    add_run(paragraph, " —", PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)


def _font_table_entries(document: DocumentObject) -> None:
    """Add the official fonts to word/fontTable.xml with their fallbacks (``w:altName``)."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    entries = "".join(
        f"<w:font w:name={quoteattr(name)}><w:altName w:val={quoteattr(alt)}/>"
        f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{family}"/>'
        f'<w:pitch w:val="{pitch}"/>'
        '<w:sig w:usb0="00000001" w:usb1="080E0000" w:usb2="00000010" w:usb3="00000000" '
        'w:csb0="00040000" w:csb1="00000000"/></w:font>'
        for name, (alt, panose, family, pitch) in FONT_TABLE.items()
    )
    part._blob = part.blob.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")


class Draft(documents.Document):
    formats = ("docx",)

    def __init__(self, filename: str = "草稿") -> None:
        self.filename = filename
        self.document: DocumentObject = Document()
        self._page()
        self._styles()
        _font_table_entries(self.document)
        self.headings = 0
        self.text_parts: list[str] = []

    # -- the page and the styles ------------------------------------------------------------

    def _page(self) -> None:
        section = self.document.sections[0]
        # A4 with GB/T 9704's margins: 37 mm top, 28 mm binding, a 156 × 225 mm text block.
        right = PAGE_WIDTH_MM - LEFT_MM - TEXT_WIDTH_MM
        bottom = PAGE_HEIGHT_MM - TOP_MM - TEXT_HEIGHT_MM
        a4_section(section, margins=(TOP_MM / 10, right / 10, bottom / 10, LEFT_MM / 10))
        section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_MM)
        # The line grid: 22 lines a page (the paragraphs' exact spacing keeps them on it).
        grid = section._sectPr.find(qn("w:docGrid"))
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        # Odd pages number on the right, even pages on the left, one character in from the edge.
        self.document.settings.odd_and_even_pages_header_footer = True
        for footer, alignment, indent in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = alignment
            _exact(paragraph.paragraph_format, PAGE_NUMBER_LINE_PT * 20)
            _off_grid(paragraph.paragraph_format)
            setattr(paragraph.paragraph_format, indent, Pt(PAGE_NUMBER_SIZE))
            _page_field(paragraph)

    def _styles(self) -> None:
        styles = self.document.styles
        # The document defaults and Normal: 3号 仿宋_GB2312 on the grid, Chinese line breaking.
        # (The template's theme fonts would win over named ones in Word: they go.)
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for old in list(r_pr):
            r_pr.remove(old)
        r_pr.append(
            parse_xml(
                f'<w:rFonts {nsdecls("w")} w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" '
                f'w:eastAsia="{BODY_FONT}" w:cs="{BODY_FONT}" w:hint="eastAsia"/>'
            )
        )
        for xml in (
            f'<w:spacing {nsdecls("w")} w:val="{CONDENSE_TWIPS}"/>',
            f'<w:sz {nsdecls("w")} w:val="{BODY_SIZE * 2}"/>',
            f'<w:szCs {nsdecls("w")} w:val="{BODY_SIZE * 2}"/>',
            f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>',
        ):
            r_pr.append(parse_xml(xml))
        normal = styles["Normal"]
        normal.font.size = Pt(BODY_SIZE)
        east_asian_font(normal, BODY_FONT, every_script=True)
        normal.element.get_or_add_rPr().insert_element_before(
            parse_xml(f'<w:spacing {nsdecls("w")} w:val="{CONDENSE_TWIPS}"/>'), *_AFTER_CHARACTER_SPACING
        )
        _exact(normal.paragraph_format)
        normal.paragraph_format.widow_control = False

        def paragraph_style(name: str, font: str, size: float, alignment=None):
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.font.size = Pt(size)
            east_asian_font(style, font, every_script=True)
            if alignment is not None:
                style.paragraph_format.alignment = alignment
            return style

        title = paragraph_style("公文标题", TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER)
        _exact(title.paragraph_format, TITLE_LINE_TWIPS)
        _off_grid(title.paragraph_format)
        heading = paragraph_style("一级标题", HEADING_FONT, BODY_SIZE).paragraph_format
        heading.first_line_indent = chars(2)
        heading.keep_with_next = True  # never the last line of a page, its text on the next
        paragraph_style("正文", BODY_FONT, BODY_SIZE).paragraph_format.first_line_indent = chars(2)
        paragraph_style("草稿说明", BODY_FONT, REMARK_SIZE)
        paragraph_style("表格文字", BODY_FONT, TABLE_SIZE)
        subheading = styles.add_style("二级标题", WD_STYLE_TYPE.CHARACTER)
        east_asian_font(subheading, SUBHEADING_FONT, every_script=True)
        for name in ("Footer", "Header"):
            if name in [s.name for s in styles]:
                east_asian_font(styles[name], PAGE_NUMBER_FONT, every_script=True)

    # -- what a draft writes ----------------------------------------------------------------

    def _paragraph(self, style: str = "Normal") -> Paragraph:
        return self.document.add_paragraph(style=style)

    def blank(self, lines: int = 1) -> None:
        for _ in range(lines):
            self._paragraph()

    def note(self, text: str, *, first: bool = False) -> None:
        """The draft's own remark (which parts are generated), small and red and not part of the
        official text; ``first`` puts it above everything written so far (a remark that counts
        what was generated comes last)."""
        paragraphs = self.document.paragraphs
        if first and paragraphs:
            paragraph = paragraphs[0].insert_paragraph_before(style="草稿说明")
        else:
            paragraph = self._paragraph("草稿说明")
        _single(paragraph)
        add_run(paragraph, clean_text(text), BODY_FONT, size=REMARK_SIZE, color=RED)

    def title(self, text: str) -> None:
        """The title: 2号 方正小标宋简体, centred; a long title in lines broken between words
        (``title_lines``)."""
        paragraph = self._paragraph("公文标题")
        for number, line in enumerate(title_lines(clean_text(text))):
            run = add_run(paragraph, "", TITLE_FONT, size=TITLE_SIZE)
            if number:
                run.add_break()
            run.add_text(line)

    def centred(self, text: str) -> None:
        paragraph = self._paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(paragraph, clean_text(text), BODY_FONT)

    def line(self, text: str) -> None:
        """A line without indent (the addressees: flush left, wrapping flush left)."""
        add_run(self._paragraph(), clean_text(text), BODY_FONT)
        self.text_parts.append(text)

    def heading(self, text: str) -> None:
        """A first-level heading 一、… in 黑体."""
        self.headings += 1
        heading = f"{chinese_number(self.headings)}、{clean_text(text)}"
        add_run(self._paragraph("一级标题"), heading, HEADING_FONT)
        self.text_parts.append(text)

    def body(self, text: str, *, lead: str = "") -> None:
        """A paragraph with the first-line indent of two characters; ``lead`` (a second-level
        heading such as “（一）活动时间。”) in 楷体_GB2312 before it; 【待填写】 parts in red."""
        paragraph = self._paragraph("正文")
        if lead:
            add_run(paragraph, clean_text(lead), SUBHEADING_FONT).style = self.document.styles["二级标题"]
        for i, piece in enumerate(clean_text(text).split("【")):
            if i == 0:
                add_run(paragraph, piece, BODY_FONT)
                continue
            marked, _, rest = piece.partition("】")
            add_run(paragraph, f"【{marked}】", BODY_FONT, color=RED)
            add_run(paragraph, rest, BODY_FONT)
        if "【待填写" not in text:
            self.text_parts.append(lead + text)

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        """A table across the text block in 小四, the header in 黑体, figures centred."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        # Columns as wide as what they hold (a long name wider than a figure), across the block.
        lines: list[list[object]] = [list(header), *rows]
        needs = [
            max(2.0, *(width_in_chars(clean_text(str(line[i]))) for line in lines)) + 1
            for i in range(len(header))
        ]
        widths = [Pt(TEXT_WIDTH_PT * need / sum(needs)) for need in needs]
        for grid_column, width in zip(table.columns, widths, strict=True):
            grid_column.width = width
        for number, values in enumerate(lines):
            cells = table.rows[0].cells if number == 0 else table.add_row().cells
            for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
                cell.width = widths[column]
                paragraph = cell.paragraphs[0]
                paragraph.style = self.document.styles["表格文字"]
                _single(paragraph)
                if number == 0 or column > 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                add_run(
                    paragraph,
                    clean_text(str(value)),
                    HEADING_FONT if number == 0 else BODY_FONT,
                    size=TABLE_SIZE,
                )
        self.blank()

    def image(self, png: bytes, caption: str, width_cm: float = 15) -> None:
        """An image centred in the text block (at most its 15.6 cm), its caption below it."""
        self.document.add_picture(io.BytesIO(png), width=Cm(min(width_cm, MAX_IMAGE_CM)))
        picture = self.document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _single(picture)
        self.centred(caption)

    def attachments(self, titles: list[str]) -> None:
        """附件说明 (GB/T 9704 §7.3.4): one empty line after the body, two characters in,
        “附件：1.名称”, the next numbers under the first, a name that wraps aligned under the
        first character of the names; one attachment is not numbered."""
        if not titles:
            return
        self.blank()
        for number, title in enumerate(titles, start=1):
            prefix = f"{number}." if len(titles) > 1 else ""
            label = "附件：" if number == 1 else ""
            paragraph = self._paragraph()
            name_at = 2 + width_in_chars("附件：") + width_in_chars(prefix)
            paragraph.paragraph_format.left_indent = chars(name_at)
            paragraph.paragraph_format.first_line_indent = -chars(width_in_chars(label + prefix))
            add_run(paragraph, f"{label}{prefix}{clean_text(title).rstrip('。；;，,')}", BODY_FONT)
            self.text_parts.append(title)

    def signature(self, issuer: str, day: datetime.date | None, *, space: int = 2) -> None:
        """The issuer and the date at the foot (§7.3.5.1): ``space`` empty lines for the seal, the
        date four characters in from the right, the issuer centred above the date."""
        self.blank(space)
        date = chinese_date(day) if day else TODO.format("成文日期")
        date_right = 4
        issuer_right = max(0, date_right + (width_in_chars(date) - width_in_chars(issuer)) / 2)
        for text, right, color in ((issuer, issuer_right, None), (date, date_right, None if day else RED)):
            paragraph = self._paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = chars(right)
            add_run(paragraph, clean_text(text), BODY_FONT, color=color)

    def generated_text(self) -> str:
        return "".join(self.text_parts)

    def content(self, fmt: str) -> bytes:
        return self.to_bytes()

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
