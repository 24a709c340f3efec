"""PDF of a generated Word or Excel file, as LibreOffice prints it: what an official downloads to
print, seal and send, and what the packages put beside each Word file.

Every conversion runs ``soffice --headless --convert-to pdf`` (no shell) in a temporary
directory of its own, with a LibreOffice profile of its own in it (``-env:UserInstallation``),
so that two conversions never hand their work to each other's LibreOffice; the directory goes
when the conversion ends. At most ``OFFICE_MAX_CONCURRENT`` conversions run at once on one
machine, across all the web workers: each holds one of that many slot files under
``OFFICE_LOCK_DIR`` (``flock``, let go by the kernel if the worker dies), and whoever finds none
free within ``OFFICE_QUEUE_WAIT`` seconds is told to try again. LibreOffice is killed, with
everything it started, after ``OFFICE_CONVERT_TIMEOUT`` seconds; an input over
``OFFICE_MAX_INPUT_BYTES`` is refused before anything starts.

Fonts: the documents name the fonts of Chinese official documents (方正小标宋简体, 仿宋_GB2312,
黑体 …). LibreOffice is given ``fonts.conf`` beside this module (``FONTCONFIG_FILE``), which maps
each of them to Noto Serif / Sans CJK SC where it is not installed; ``font_report`` says what each
name resolves to on this machine (``learnweek office-fonts``)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.conf import settings

from learnweek.core.errors import DomainError
from learnweek.core.locking import Busy

# The formats LibreOffice is given here, as the documents write them; a document written both
# ways is printed from the first (``core.documents``: Word prints a form better than Calc).
SOURCE_FORMATS = ("docx", "xlsx")
FONTS_CONF = Path(__file__).with_name("fonts.conf")
# The font names the generated documents and the notices use, in the order docs/deploy.md lists
# them.
OFFICIAL_FONTS = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "仿宋",
    "FangSong",
    "楷体_GB2312",
    "楷体",
    "KaiTi",
    "宋体",
    "SimSun",
    "黑体",
    "SimHei",
)
FALLBACK = "请下载 Word / Excel 版本"
logger = logging.getLogger(__name__)


class OfficeMissing(DomainError):
    code = "office_missing"

    def __init__(self) -> None:
        super().__init__(f"服务器未安装 LibreOffice，暂时不能生成 PDF，{FALLBACK}打印。")


class ConversionFailed(DomainError):
    code = "pdf_failed"

    def __init__(self, reason: str) -> None:
        super().__init__(f"生成 PDF 失败（{reason}），{FALLBACK}。")
        self.reason = reason


def soffice() -> str | None:
    """The LibreOffice program: ``OFFICE_BINARY`` if set, else ``soffice`` or ``libreoffice`` on
    the PATH; None where there is none."""
    configured = settings.OFFICE_BINARY
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def to_pdf(content: bytes, fmt: str) -> bytes:
    """``content`` (a ``fmt`` file, docx or xlsx) as LibreOffice prints it to PDF."""
    return to_pdfs([(content, fmt)])[0]


def to_pdfs(files: Sequence[tuple[bytes, str]]) -> list[bytes]:
    """Each of ``files`` (bytes, ``docx`` or ``xlsx``) as PDF, in order, with one LibreOffice
    start for them all (a package's Word files; it starts in 1–3 s, a small file converts in
    a fraction of that). All or nothing: one that fails fails them all."""
    if not files:
        return []
    limit = settings.OFFICE_MAX_INPUT_BYTES
    for content, fmt in files:
        if fmt not in SOURCE_FORMATS:
            raise ValueError(f"LibreOffice is given docx or xlsx here, not {fmt!r}")
        if len(content) > limit:
            raise ConversionFailed(f"文件 {_mb(len(content))}，超过 {_mb(limit)} 的上限")
    program = soffice()
    if program is None:
        raise OfficeMissing()
    try:
        return _convert(program, files)
    except OSError as exc:  # the lock folder or the temporary folder not writable, a full disk
        logger.warning("PDF conversion could not run: %s", exc)
        raise ConversionFailed("服务器的临时目录不可用") from exc


def _convert(program: str, files: Sequence[tuple[bytes, str]]) -> list[bytes]:
    with _slot(), tempfile.TemporaryDirectory(prefix="learnweek-pdf-") as work:
        folder = Path(work)
        sources = []
        for number, (content, fmt) in enumerate(files, start=1):
            source = folder / f"{number}.{fmt}"  # names of our own: nothing typed reaches the command
            source.write_bytes(content)
            sources.append(source)
        out = folder / "out"
        _run(program, folder, out, sources)
        results = []
        for source in sources:
            pdf = out / f"{source.stem}.pdf"
            if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF-"):
                raise ConversionFailed("LibreOffice 没有写出 PDF，文件可能已损坏")
            results.append(pdf.read_bytes())
        return results


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _environment(folder: Path) -> dict[str, str]:
    """What LibreOffice runs with: our fonts, and a home and temporary directory inside the
    conversion's own folder (nothing of the web worker's environment is passed on)."""
    return {
        "PATH": os.defpath,
        "HOME": str(folder),
        "TMPDIR": str(folder),
        "LANG": "C.UTF-8",
        "FONTCONFIG_FILE": str(FONTS_CONF),
    }


def _run(program: str, folder: Path, out: Path, sources: list[Path]) -> None:
    profile = (folder / "profile").as_uri()
    command = [
        program,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *(str(source) for source in sources),
    ]
    timeout = settings.OFFICE_CONVERT_TIMEOUT
    # coreutils' timeout, where there is one, kills LibreOffice's process group even if the web
    # worker itself is killed while it waits (a restart, a recycled worker).
    backstop = shutil.which("timeout", path=os.defpath)
    if backstop:
        command = [backstop, "--kill-after=5", f"{timeout + 5:g}", *command]
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed command, no shell, our own file names
            command,
            cwd=folder,
            env=_environment(folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout kills soffice.bin too
        )
    except OSError as exc:
        raise OfficeMissing() from exc
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ConversionFailed(f"LibreOffice 超过 {timeout:g} 秒仍未完成") from None
    finally:
        # Whatever ended the wait (done, the timeout, the worker told to stop), nothing LibreOffice
        # started outlives it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=5)
    if process.returncode != 0:
        # The server's own paths stay in the log; the user is told the conversion failed.
        logger.warning(
            "LibreOffice exited %s: %s", process.returncode, stderr.decode("utf-8", "replace")[-2000:]
        )
        raise ConversionFailed(f"LibreOffice 出错，退出码 {process.returncode}")


@contextlib.contextmanager
def _slot() -> Iterator[None]:
    """One of the machine's ``OFFICE_MAX_CONCURRENT`` conversion slots, held while the block runs;
    ``Busy`` if none is free within ``OFFICE_QUEUE_WAIT`` seconds."""
    folder = Path(settings.OFFICE_LOCK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    slots = max(1, settings.OFFICE_MAX_CONCURRENT)
    deadline = time.monotonic() + settings.OFFICE_QUEUE_WAIT
    while True:
        for number in range(slots):
            handle = open(folder / f"slot-{number}.lock", "a+b")  # noqa: SIM115 - held past this loop
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise Busy("正在生成 PDF 的人较多，请稍后再试，或下载 Word / Excel 版本打印。")
        time.sleep(0.2)


def font_report() -> list[tuple[str, str]]:
    """(font name, what fontconfig gives LibreOffice for it here) for each of ``OFFICIAL_FONTS``,
    read with ``fc-match`` under ``fonts.conf``; "" for each where fc-match is missing."""
    program = shutil.which("fc-match")
    if program is None:
        return [(name, "") for name in OFFICIAL_FONTS]
    report = []
    for name in OFFICIAL_FONTS:
        result = subprocess.run(  # noqa: S603 - fc-match with a font name of our own list
            [program, "--format=%{family[0]} (%{file})", name],
            env={"PATH": os.defpath, "FONTCONFIG_FILE": str(FONTS_CONF)},
            capture_output=True,
            check=False,
            timeout=30,
        )
        report.append((name, result.stdout.decode("utf-8", "replace").strip()))
    return report
