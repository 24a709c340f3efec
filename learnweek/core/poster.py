"""Shareable posters: PNG images in phone-screen proportions (1080 × 1920, 9:16) for chat groups,
drawn with Pillow in Noto Sans CJK SC, with a QR code to the page they advertise.

The font comes from a Python package (mplfonts ships Noto Sans CJK SC under the SIL Open Font
License), so a poster renders the same on any server; no system font is assumed."""

from __future__ import annotations

import functools
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from learnweek.core.qr import qr_code

WIDTH, HEIGHT = 1080, 1920
MARGIN = 80
INK = (33, 37, 41)
MUTED = (90, 98, 108)
PAPER = (255, 253, 248)
ACCENT = (176, 38, 38)  # the red of official notices
ON_ACCENT = (255, 255, 255)
QR_SIZE = 360
# Where each part of the layout sits, for the tests and for anyone changing it.
BAND = (0, 0, WIDTH, 360)
TITLE_TOP = BAND[3] + 80
QR_BOX = ((WIDTH - QR_SIZE) // 2, HEIGHT - QR_SIZE - 210, (WIDTH + QR_SIZE) // 2, HEIGHT - 210)


@functools.cache
def font_path() -> Path:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("缺少字体包 mplfonts（Noto Sans CJK SC），无法生成海报。")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKsc-Regular.otf"


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width``: Chinese breaks between any two characters, a
    run of Latin letters or digits is kept whole where it fits, and no line starts with closing
    punctuation."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph):
            if face.getlength(line + token) <= width or not line:
                line += token
                continue
            if token[0] in "，。、；：！？）》」』”’,.;:!?)":
                line, token = line[:-1], line[-1] + token
            lines.append(line.rstrip())
            line = token.lstrip()
        lines.append(line)
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for char in text:
        if (
            tokens
            and char.isascii()
            and char.isalnum()
            and tokens[-1][-1].isascii()
            and tokens[-1][-1].isalnum()
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def fit(
    text: str, width: int, max_lines: int, sizes: tuple[int, ...]
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest of ``sizes`` at which ``text`` fits in ``max_lines`` lines; at the smallest,
    the last line ends in an ellipsis."""
    for size in sizes:
        face = font(size)
        lines = wrap(text, face, width)
        if len(lines) <= max_lines:
            return face, lines
    lines = lines[:max_lines]
    while lines[-1] and face.getlength(lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return face, lines


@dataclass
class Fact:
    label: str
    value: str


class Canvas:
    def __init__(self) -> None:
        self.image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        self.draw = ImageDraw.Draw(self.image)

    def band(self, kicker: str, theme: str) -> None:
        """The coloured head: the campaign (small) and its theme (large)."""
        self.draw.rectangle(BAND, fill=ACCENT)
        y = 80
        face, lines = fit(kicker, WIDTH - 2 * MARGIN, 2, (40, 34))
        y = self.lines(lines, face, y, ON_ACCENT, gap=12)
        if theme:
            face, lines = fit(f"“{theme}”", WIDTH - 2 * MARGIN, 2, (64, 54, 46))
            self.lines(lines, face, y + 28, ON_ACCENT, gap=14)

    def lines(
        self, lines: list[str], face: ImageFont.FreeTypeFont, y: int, fill, *, gap: int = 16, x: int = MARGIN
    ) -> int:
        for line in lines:
            self.draw.text((x, y), line, font=face, fill=fill)
            y += int(face.size * 1.25) + gap
        return y

    def title(self, text: str, y: int = TITLE_TOP) -> int:
        face, lines = fit(text, WIDTH - 2 * MARGIN, 4, (84, 72, 62, 54))
        return self.lines(lines, face, y, INK, gap=10)

    def facts(self, facts: list[Fact], y: int, bottom: int) -> int:
        label_face, value_face = font(34), font(40)
        label_width = 140
        for fact in facts:
            if not fact.value:
                continue
            lines = wrap(fact.value, value_face, WIDTH - 2 * MARGIN - label_width)
            room = max(1, (bottom - y) // (int(value_face.size * 1.25) + 8))
            if len(lines) > room:
                lines = lines[:room]
                lines[-1] = lines[-1][:-1] + "…"
            self.draw.text((MARGIN, y + 4), fact.label, font=label_face, fill=ACCENT)
            y = self.lines(lines, value_face, y, INK, gap=8, x=MARGIN + label_width) + 22
            if y >= bottom:
                break
        return y

    def qr(self, url: str, caption: str) -> None:
        code = qr_code(url)
        scale = max(1, QR_SIZE // code.symbol_size(scale=1, border=2)[0])
        buffer = io.BytesIO()
        code.save(buffer, kind="png", scale=scale, border=2)
        image = Image.open(buffer).convert("RGB").resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST)
        self.image.paste(image, QR_BOX[:2])
        face = font(38)
        width = face.getlength(caption)
        self.draw.text(((WIDTH - width) / 2, QR_BOX[3] + 30), caption, font=face, fill=MUTED)

    def footer(self, text: str) -> None:
        face, lines = fit(text, WIDTH - 2 * MARGIN, 2, (30, 26))
        y = HEIGHT - 40 - len(lines) * int(face.size * 1.3)
        for line in lines:
            self.draw.text(((WIDTH - face.getlength(line)) / 2, y), line, font=face, fill=MUTED)
            y += int(face.size * 1.3)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
