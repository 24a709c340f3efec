"""QR codes for check-in, as inline SVG (segno: pure Python, no image library needed)."""

import segno


def qr_svg(text: str) -> str:
    """An SVG element that scales to its box, for the page (no XML declaration)."""
    return segno.make(text, error="m").svg_inline(border=2, dark="#000", light="#fff", omitsize=True)
