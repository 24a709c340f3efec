"""Shareable posters: a PNG in phone proportions whose Chinese text is drawn (not empty, not the
missing-glyph box) and whose QR code leads to the page."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image, ImageChops

from learnweek.core.poster import BAND, HEIGHT, PAPER, WIDTH, font, font_path, wrap
from tests.helpers import COUNTY

TITLE = (0, BAND[3] + 60, WIDTH, BAND[3] + 380)


def poster(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def ink(image, box) -> int:
    """How many pixels of ``box`` differ from the paper."""
    region = image.crop(box).convert("RGB")
    blank = Image.new("RGB", region.size, PAPER)
    return sum(ImageChops.difference(region, blank).convert("L").histogram()[61:])


def qr_text(image) -> str:
    [code] = zxingcpp.read_barcodes(image)
    assert code.format == zxingcpp.BarcodeFormat.QRCode  # a standard QR code, never a Micro QR
    return code.text


def test_an_activity_poster_carries_its_text_and_a_qr_code_to_its_page(client, make_activity):
    reading = make_activity("社区亲子共读绘本节", address="长春市朝阳区西安大路 1 号图书馆", capacity=40)
    paper_cut = make_activity("非遗剪纸体验课")
    first = poster(client, reverse("public:activity_poster", args=[reading.pk]))
    second = poster(client, reverse("public:activity_poster", args=[paper_cut.pk]))

    assert first.size == (WIDTH, HEIGHT) and HEIGHT / WIDTH == pytest.approx(16 / 9)
    assert qr_text(first) == "http://testserver" + reverse("public:activity", args=[reading.pk])
    assert qr_text(second) == "http://testserver" + reverse("public:activity", args=[paper_cut.pk])
    # The title region holds drawn text, and different Chinese names draw differently (a font
    # without the glyphs would draw the same boxes for both).
    assert ink(first, TITLE) > 2000 and ink(second, TITLE) > 2000
    assert ImageChops.difference(first.crop(TITLE), second.crop(TITLE)).getbbox() is not None
    # The band shows the campaign's theme in white on red.
    assert ink(first, BAND) > WIDTH * BAND[3] * 0.8


def test_the_font_comes_from_a_package_and_has_chinese_glyphs():
    assert "site-packages" in str(font_path()) and font_path().is_file()
    face = font(60)
    masks = [face.getmask(text) for text in ("读书", "剪纸", "\U000f0000\U000f0001")]
    # Chinese characters have outlines of their own; unassigned code points fall back to the
    # missing-glyph box, the same for both.
    assert bytes(masks[0]) != bytes(masks[1])
    assert bytes(face.getmask("\U000f0000")) == bytes(face.getmask("\U000f0001"))


def test_long_text_wraps_inside_the_width_without_starting_a_line_with_a_comma():
    face = font(40)
    lines = wrap("全民终身学习活动周，人人皆学、处处能学、时时可学，Lifelong learning for all" * 2, face, 600)
    assert len(lines) > 2
    assert all(face.getlength(line) <= 600 + face.size for line in lines)
    assert not any(line.startswith(("，", "、")) for line in lines)


def test_internal_and_missing_activities_have_no_poster(client, make_activity):
    internal = make_activity("内部培训", is_internal=True)
    assert client.get(reverse("public:activity_poster", args=[internal.pk])).status_code == 404
    assert client.get(reverse("public:activity_poster", args=[999_999])).status_code == 404


def test_a_region_has_a_week_poster(client, make_activity):
    make_activity("朝阳区全民读书节")
    image = poster(client, reverse("public:region_poster", args=[COUNTY]))
    assert qr_text(image) == "http://testserver" + reverse("public:region", args=[COUNTY])
    assert ink(image, TITLE) > 2000
    page = client.get(reverse("public:region", args=[COUNTY])).content.decode()
    assert reverse("public:region_poster", args=[COUNTY]) in page
