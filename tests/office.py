"""Opening a generated Word or Excel file in LibreOffice, as the official will. Skips where
LibreOffice is not installed (`make test` installs it on Debian)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def libreoffice_convert(source: Path, target: str) -> Path:
    """``source`` converted by LibreOffice (headless, with a profile of its own beside the file)
    to ``target`` (``pdf``, ``txt:Text (encoded):UTF8``): the file it wrote."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice 未安装（Debian 上由 make test 安装 libreoffice-writer-nogui、libreoffice-calc-nogui）"
        )
    subprocess.run(  # noqa: S603 - LibreOffice found on PATH, fixed arguments
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{source.parent}/profile",
            "--convert-to",
            target,
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return source.with_suffix("." + target.split(":")[0])


def libreoffice_text(body: bytes, folder: Path) -> str:
    """The text LibreOffice reads from a Word document."""
    source = folder / "draft.docx"
    source.write_bytes(body)
    return libreoffice_convert(source, "txt:Text (encoded):UTF8").read_text(encoding="utf-8-sig")


def pdf_pages(body: bytes, folder: Path, suffix: str) -> list[tuple[float, float, str]]:
    """A generated ``suffix`` file (xlsx, docx) as LibreOffice prints it to PDF: per page its
    width and height in millimetres and its text."""
    pypdf = pytest.importorskip("pypdf")
    source = folder / f"printed.{suffix}"
    source.write_bytes(body)
    reader = pypdf.PdfReader(str(libreoffice_convert(source, "pdf")))
    points = 25.4 / 72
    return [
        (
            round(float(page.mediabox.width) * points),
            round(float(page.mediabox.height) * points),
            page.extract_text(),
        )
        for page in reader.pages
    ]
