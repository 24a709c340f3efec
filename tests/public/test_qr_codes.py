"""Every QR code the system shows is a standard QR code that WeChat's 扫一扫, camera apps and the
organiser's scanner (BarcodeDetector asked for qr_code) read: never a Micro QR, which segno picks
for a 10-character check-in code unless told not to."""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from learnweek.core.qr import qr_code
from learnweek.registrations.services import new_code, registration_create


def decoded(text: str):
    """The code as a phone's camera sees it (a PNG at 8 px a module), read by zxing-cpp."""
    data = io.BytesIO()
    qr_code(text).save(data, kind="png", scale=8, border=4)
    data.seek(0)
    [code] = zxingcpp.read_barcodes(Image.open(data).convert("L"))
    return code


@pytest.mark.parametrize("text", ["K7Q2M9XD4A", new_code(), "https://learnweek.example/activities/12345/"])
def test_a_check_in_code_and_a_poster_link_are_standard_qr_codes_that_read_back(text):
    code = decoded(text)
    assert code.format == zxingcpp.BarcodeFormat.QRCode  # not MicroQRCode
    assert code.text == text


@pytest.mark.django_db
def test_my_sign_ups_show_a_standard_qr_code_with_its_quiet_zone(client, make_activity, make_resident):
    activity = make_activity("社区亲子共读绘本节", capacity=40)
    resident = make_resident()
    client.force_login(resident)
    signed_up = registration_create(
        activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident
    )
    page = client.get("/me/").content.decode()
    figure = re.search(r'<figure class="qr">(.*?)</figure>', page, re.S).group(1)
    side = int(re.search(r'viewBox="0 0 (\d+) \d+"', figure).group(1))
    # A standard QR code is at least 21 modules wide (a Micro QR at most 17), plus 4 on each side.
    assert side >= 21 + 2 * 4
    assert side == qr_code(signed_up.registration.code).symbol_size(scale=1, border=4)[0]
