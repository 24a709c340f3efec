"""Opening a generated Word document in LibreOffice, as the official will: the text LibreOffice
reads from it. Skips where LibreOffice is not installed (`make setup` installs it on Debian)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def libreoffice_text(body: bytes, folder: Path) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装（Debian 上由 make setup 安装 libreoffice-writer-nogui）")
    source = folder / "draft.docx"
    source.write_bytes(body)
    subprocess.run(  # noqa: S603 - LibreOffice found on PATH, fixed arguments
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{folder}/profile",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return (folder / "draft.txt").read_text(encoding="utf-8-sig")
