"""`learnweek draw-icons`: draws the site's icons — the character 学 in white on the accent red —
into learnweek/static/icons/. They are committed; run this again only to change the design.

- favicon.svg: the glyph of 学 taken from Noto Sans CJK SC (the posters' font, from the mplfonts
  package) as an SVG path with fontTools, so it renders the same without any font on the
  visitor's machine; a white stroke thickens it for 16 px tabs;
- favicon-32.png (the PNG fallback and /favicon.ico), icon-192.png and icon-512.png (the web-app
  manifest), icon-maskable-512.png (full bleed, the glyph inside the central 80 % a launcher may
  cut to a circle) and apple-touch-icon.png (180 × 180, square: iOS rounds the corners itself),
  drawn with Pillow in the same font."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

from learnweek.core.poster import font_path

RED = (179, 38, 30)  # #b3261e, --accent in site.css
WHITE = (255, 255, 255)
GLYPH = "学"
OUT = Path(__file__).resolve().parents[3] / "static" / "icons"


def draw_png(size: int, *, rounded: bool, glyph_share: float) -> Image.Image:
    """A ``size`` square: the red ground (corners rounded, or full bleed) and 学 filling
    ``glyph_share`` of the side, drawn at four times the size and scaled down for smooth edges."""
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0) if rounded else RED + (255,))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * 0.18), fill=RED)
    face = ImageFont.truetype(str(font_path()), int(big * glyph_share))
    stroke = max(1, int(big * glyph_share * 0.035))
    left, top, right, bottom = draw.textbbox((0, 0), GLYPH, font=face, stroke_width=stroke)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    draw.text((x, y), GLYPH, font=face, fill=WHITE, stroke_width=stroke, stroke_fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def draw_svg() -> str:
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path()))
    glyphs = font.getGlyphSet()
    name = font.getBestCmap()[ord(GLYPH)]
    pen = SVGPathPen(glyphs)
    glyphs[name].draw(pen)
    bounds = BoundsPen(glyphs)
    glyphs[name].draw(bounds)
    x0, y0, x1, y1 = bounds.bounds
    # Font units, y up: flipped and scaled so the glyph's box fills 70 % of a 100-unit square.
    k = 70 / max(x1 - x0, y1 - y0)
    dx = 50 - k * (x0 + x1) / 2
    dy = 50 + k * (y0 + y1) / 2
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        "<title>全民终身学习活动周</title>"
        '<rect width="100" height="100" rx="18" fill="#b3261e"/>'
        f'<path transform="translate({dx:.2f} {dy:.2f}) scale({k:.5f} {-k:.5f})" fill="#fff" stroke="#fff" '
        f'stroke-width="{5 / k:.1f}" stroke-linejoin="round" d="{pen.getCommands()}"/></svg>\n'
    )


class Command(BaseCommand):
    help = "Draw the site's icons (学 on the accent red) into learnweek/static/icons/."

    def handle(self, *args, **options):
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "favicon.svg").write_text(draw_svg(), encoding="utf-8")
        pngs = {
            "favicon-32.png": draw_png(32, rounded=True, glyph_share=0.82),
            "icon-192.png": draw_png(192, rounded=True, glyph_share=0.7),
            "icon-512.png": draw_png(512, rounded=True, glyph_share=0.7),
            "icon-maskable-512.png": draw_png(512, rounded=False, glyph_share=0.5),
            "apple-touch-icon.png": draw_png(180, rounded=False, glyph_share=0.62),
        }
        for name, image in pngs.items():
            image.save(OUT / name, optimize=True)
        self.stdout.write(f"已生成 {len(pngs) + 1} 个图标：{OUT}")
