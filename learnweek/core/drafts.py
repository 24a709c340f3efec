"""Drafted Word documents (a notice, a work summary) in the layout officials edit: a centred
title, body text with first-line indents, numbered headings 一、二、三, tables, images, and the
issuing unit and date at the foot. Parts a person must still write are marked 【待填写：…】 in red,
so nothing generated passes for something decided. A draft is a ``core.documents.Document``
(docx) under the name it is given."""

from __future__ import annotations

import datetime
import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from learnweek.core import documents
from learnweek.core.chinese import chinese_date, chinese_number
from learnweek.core.grid import east_asian_font
from learnweek.core.text import clean_text

RED = RGBColor(0xC0, 0x00, 0x00)
TODO = "【待填写：{}】"


class Draft(documents.Document):
    formats = ("docx",)

    def __init__(self, filename: str = "草稿") -> None:
        self.filename = filename
        self.document: DocumentObject = Document()
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(14)
        east_asian_font(normal, "仿宋")
        self.headings = 0
        self.text_parts: list[str] = []

    def note(self, text: str, *, first: bool = False) -> None:
        """The draft's own remark (which parts are generated), in red; ``first`` puts it above
        everything written so far (a remark that counts what was generated comes last)."""
        paragraphs = self.document.paragraphs
        paragraph = (
            paragraphs[0].insert_paragraph_before() if first and paragraphs else self.document.add_paragraph()
        )
        run = paragraph.add_run(clean_text(text))
        run.font.color.rgb = RED
        run.font.size = Pt(11)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(clean_text(text))
        run.bold = True
        run.font.size = Pt(22)
        east_asian_font(run, "宋体")

    def centred(self, text: str) -> None:
        self.document.add_paragraph(clean_text(text)).alignment = WD_ALIGN_PARAGRAPH.CENTER

    def line(self, text: str) -> None:
        """A line without indent (the addressees)."""
        self.document.add_paragraph(clean_text(text))
        self.text_parts.append(text)

    def heading(self, text: str) -> None:
        self.headings += 1
        run = self.document.add_paragraph().add_run(f"{chinese_number(self.headings)}、{clean_text(text)}")
        run.bold = True
        east_asian_font(run, "黑体")
        self.text_parts.append(text)

    def body(self, text: str) -> None:
        """A paragraph with the first-line indent of two characters; 【待填写】 parts in red."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(28)
        for i, piece in enumerate(clean_text(text).split("【")):
            if i == 0:
                paragraph.add_run(piece)
                continue
            marked, _, rest = piece.partition("】")
            paragraph.add_run(f"【{marked}】").font.color.rgb = RED
            paragraph.add_run(rest)
        if "【待填写" not in text:
            self.text_parts.append(text)

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = clean_text(text)
            cell.paragraphs[0].runs[0].bold = True
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = clean_text(str(value))
        self.document.add_paragraph()

    def image(self, png: bytes, caption: str, width_cm: float = 15) -> None:
        self.document.add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.centred(caption)

    def signature(self, issuer: str, day: datetime.date | None) -> None:
        self.document.add_paragraph()
        for text in (issuer, chinese_date(day) if day else TODO.format("印发日期")):
            paragraph = self.document.add_paragraph(clean_text(text))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def generated_text(self) -> str:
        return "".join(self.text_parts)

    def content(self, fmt: str) -> bytes:
        return self.to_bytes()

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
