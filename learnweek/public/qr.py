"""QR codes for check-in, as inline SVG (segno: pure Python, no image library needed), made by
``core.qr.qr_code`` (a standard QR code every phone reads)."""

from learnweek.core.qr import qr_code


def qr_svg(text: str) -> str:
    """An SVG element that scales to its box, for the page (no XML declaration)."""
    return qr_code(text).svg_inline(border=4, dark="#000", light="#fff", omitsize=True)
