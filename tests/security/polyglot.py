"""Files that are two things at once, as an attacker makes them: a JPEG that Pillow accepts and
that is also a script, a JPEG that is also an HTML page loading that script, a PDF that is also a
page."""

from __future__ import annotations

import io
import struct

from PIL import Image

MARKER = "/__polyglot_ran__"


def _jpeg_body(seed: int) -> bytes:
    """A real JPEG's segments after its SOI and APP0, holding no ``*/``."""
    for quality in range(90, 40, -1):
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), (seed % 256, 120, 40)).save(buffer, format="JPEG", quality=quality)
        data = buffer.getvalue()
        assert data[:4] == b"\xff\xd8\xff\xe0"
        app0_length = struct.unpack(">H", data[4:6])[0]
        rest = data[4 + app0_length :]
        if b"*/" not in rest:
            return rest
    raise AssertionError("no JPEG without */ found")


def jpeg_script(js: str = f'fetch("{MARKER}")', seed: int = 1) -> bytes:
    """A JPEG whose bytes, read as ISO-8859-1, are the script ``ÿØÿà/*…*/=<js>;/*…*/``: the APP0
    segment's length is 0x2F2A, the bytes ``/*``."""
    length = 0x2F2A
    payload = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"*/=" + js.encode() + b";/*"
    segment = b"\xff\xd8\xff\xe0" + struct.pack(">H", length) + payload
    segment += b" " * (4 + length - len(segment))
    return segment + _jpeg_body(seed) + b"*/"


def jpeg_page(script_url: str, seed: int = 2) -> bytes:
    """A JPEG holding, in a comment segment, an HTML page that loads ``script_url`` as a script."""
    html = f'<html><body><script charset="ISO-8859-1" src="{script_url}"></script></body></html>'.encode()
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (seed, 60, 200)).save(buffer, format="JPEG")
    data = buffer.getvalue()
    comment = b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html
    return data[:2] + comment + data[2:]


def pdf_page() -> bytes:
    """A PDF that pypdf reads, with a script in its first bytes an HTML parser would run."""
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, format="PDF")
    pdf = buffer.getvalue()
    return pdf.replace(b"\n", f'\n%<script src="{MARKER}.js"></script>\n'.encode(), 1)
