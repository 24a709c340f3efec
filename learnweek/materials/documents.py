"""A material as its unit's package holds it (campaigns.packages): a Word document (title, text,
details, cases, photo captions) with its photos named ``序号-说明.jpg`` as the notices ask and
its attached documents."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from learnweek.campaigns.models import Submission
from learnweek.core.documents import Document
from learnweek.core.downloads import stored_name
from learnweek.core.grid import TITLE_FONT, a4_section, east_asian_font, east_asian_fonts, page_numbers
from learnweek.core.packages import PackageEntry
from learnweek.core.text import clean_text
from learnweek.core.uploads import safe_name
from learnweek.materials.rules import DETAILS


def material_docx(submission: Submission) -> bytes:
    requirement = submission.requirement
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    east_asian_font(normal, "宋体")
    a4_section(document.sections[0])
    page_numbers(document.sections[0])
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(clean_text(submission.title or requirement.title))
    run.bold = True
    run.font.size = Pt(16)
    east_asian_font(run, TITLE_FONT)
    document.add_paragraph(
        clean_text(f"{requirement.title} · {submission.unit.name} · {submission.get_state_display()}")
    )
    details = submission.details or {}
    for detail in DETAILS.get(requirement.kind, ()):
        if details.get(detail.name):
            document.add_paragraph(clean_text(f"{detail.label}：{details[detail.name]}"))
    for paragraph in submission.body.splitlines():
        if paragraph.strip():
            document.add_paragraph(clean_text(paragraph.strip())).paragraph_format.first_line_indent = Pt(24)
    for number, item in enumerate(details.get("items") or [], start=1):
        line = f"{number}. 【{item.get('type', '')}】{item.get('title', '')}"
        extras = [item.get("medium"), item.get("date"), item.get("url")]
        document.add_paragraph(clean_text(line + "　" + "　".join(str(e) for e in extras if e)))
    for number, case in enumerate(submission.cases.all(), start=1):
        document.add_paragraph().add_run(clean_text(f"典型案例{number}：{case.title}")).bold = True
        for paragraph in case.body.splitlines():
            if paragraph.strip():
                document.add_paragraph(clean_text(paragraph.strip())).paragraph_format.first_line_indent = Pt(
                    24
                )
    photos = list(submission.photos.all())
    if photos:
        document.add_paragraph().add_run("照片").bold = True
        for number, photo in enumerate(photos, start=1):
            document.add_paragraph(clean_text(f"{number}. {photo.caption}（{photo.width}×{photo.height}）"))
    east_asian_fonts(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class MaterialDocument(Document):
    """A material handed in, as the Word file a reviewer who works offline reads, named by its
    title (the same file and name in the unit's package)."""

    formats = ("docx",)

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.filename = safe_name(submission.title or submission.requirement.title, fallback="材料")

    def content(self, fmt: str) -> bytes:
        return material_docx(self.submission)


def material_files(submission: Submission) -> Iterator[PackageEntry]:
    """What a material puts in its unit's package (campaigns.packages): its Word document, its
    photos named ``序号-说明.jpg`` and its attached documents."""
    document = MaterialDocument(submission).render("docx")
    yield PackageEntry(document.filename, document.content, printable=True)
    for i, photo in enumerate(submission.photos.all(), start=1):
        name = safe_name(f"{i}-{photo.caption}.{photo.extension}", fallback=f"{i}.{photo.extension}")
        with photo.original.open("rb") as handle:
            yield PackageEntry(name, handle.read())
    for record in submission.files.all():
        with record.file.open("rb") as handle:
            content = handle.read()
        # Named by what the file was checked to be, never by its uploader's extension.
        name = stored_name(record.name, content[:1024])
        yield PackageEntry(f"附件-{name}", content)
