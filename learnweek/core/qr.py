"""The one rule for every QR code the system prints or shows (check-in codes on 我的报名, posters):
a standard QR code, never a Micro QR. segno picks Micro QR for short data (a 10-character check-in
code) unless told not to, and neither the organiser's camera scanner (``BarcodeDetector`` asked
for ``qr_code``) nor WeChat's 扫一扫 nor ordinary camera apps read Micro QR. Error correction M
(15 %): a code on a scratched phone screen or a creased poster still reads."""

from __future__ import annotations

import segno


def qr_code(text: str) -> segno.QRCode:
    return segno.make(text, error="m", micro=False)
