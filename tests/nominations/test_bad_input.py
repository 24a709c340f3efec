"""Bad input is refused with a message that names the field and what was found; nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.rules import count_chars
from learnweek.campaigns.services import requirement_create
from learnweek.core.errors import DomainError
from learnweek.nominations import services
from learnweek.nominations.models import Nomination, NominationPhoto
from learnweek.orgs.models import UnitKind
from tests.helpers import YEAR, pdf_file, photo_file
from tests.nominations.helpers import PERSON_VALUES

pytestmark = pytest.mark.django_db


def test_deeds_of_500_characters_pass_and_501_do_not(advanced_individual, county_reporter, nominate):
    # Spaces and line breaks are not counted; an emoji of several code points counts once.
    text = "学" * 300 + "\n\n" + "习 " * 199 + "👨‍👩‍👧"
    assert count_chars(text) == 500
    nomination = nominate(county_reporter, advanced_individual, deeds=text)
    with pytest.raises(DomainError, match=r"“先进事迹简介”限 500 字以内（现有 501 字）"):
        services.nomination_update(actor=county_reporter, nomination=nomination, deeds=text + "。")
    nomination.refresh_from_db()
    assert nomination.deeds == text.strip()


CHINESE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    | st.sampled_from(list("，。！？、“”（）—abcXYZ0123456789 \n\t\u3000\r")),
    max_size=60,
)


@given(CHINESE_TEXT)
def test_counting_ignores_whitespace_only(text):
    """What a Chinese form holds: every visible character once, whitespace of any kind never."""
    assert count_chars(text) == count_chars("".join(text.split()))
    assert count_chars(text + "字") == count_chars(text) + 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"birth_date": timezone.localdate() + datetime.timedelta(days=1)}, "“出生日期”.*在今天之后"),
        ({"email": "zhang@"}, "“电子邮箱”“zhang@”不是电子邮箱地址"),
        ({"phone": "12345"}, "“电话”“12345”不是电话号码"),
        ({"contact_phone": "请打办公室"}, "“联系电话”“请打办公室”不是电话号码"),
        ({"gender": "未知"}, "“性别”应为“男”或“女”"),
    ],
)
def test_bad_fields_are_named(advanced_individual, county_reporter, values, message):
    with pytest.raises(DomainError, match=message):
        services.nomination_create(
            actor=county_reporter,
            requirement=advanced_individual,
            unit=county_reporter.unit,
            **(PERSON_VALUES | values),
        )
    assert not Nomination.objects.exists()


def test_good_phone_forms_pass(advanced_individual, county_reporter):
    nomination = services.nomination_create(
        actor=county_reporter,
        requirement=advanced_individual,
        unit=county_reporter.unit,
        **(PERSON_VALUES | {"phone": "0431-82857798、19990521785", "contact_phone": "+86 138 0431 0002"}),
    )
    assert nomination.phone == "0431-82857798、19990521785"


def test_submitting_needs_every_required_field(advanced_unit, county_reporter, nominate):
    nomination = nominate(county_reporter, advanced_unit, supervisor="", deeds="")
    with pytest.raises(DomainError, match="请填写“上级主管部门”；请填写“先进事迹”"):
        services.nomination_submit(actor=county_reporter, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.state == "draft" and not nomination.decisions.exists()


def test_a_unit_not_asked_cannot_nominate(advanced_unit, city_reviewer):
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    city_reporter = StaffFactory(unit=city_reviewer.unit, roles=[Role.REPORTER])
    with pytest.raises(DomainError, match="不要求 长春市 推荐"):
        services.nomination_create(
            actor=city_reporter, requirement=advanced_unit, unit=city_reporter.unit, name="x"
        )


def test_a_closed_requirement_refuses_late_submissions(advanced_unit, county_reporter, nominate):
    advanced_unit.closed = True
    advanced_unit.save()
    nomination = nominate(county_reporter, advanced_unit)
    late = datetime.datetime(YEAR + 1, 1, 2, 9, tzinfo=datetime.UTC)
    with pytest.raises(DomainError, match="已于 .* 截止，不再接收"):
        services.nomination_submit(actor=county_reporter, nomination=nomination, now=late)


def test_a_sibling_county_cannot_touch_anothers_nomination(
    advanced_unit, county_reporter, sibling_county_reporter, nominate
):
    from learnweek.core.errors import NotFound
    from learnweek.nominations.selectors import nomination_get_visible

    nomination = nominate(county_reporter, advanced_unit)
    with pytest.raises(NotFound):
        nomination_get_visible(sibling_county_reporter, nomination.pk)
    with pytest.raises(NotFound):
        services.nomination_update(actor=sibling_county_reporter, nomination=nomination, name="改名")
    nomination.refresh_from_db()
    assert nomination.name == "长春市朝阳区社区教育学院"


# -- photos and scans --------------------------------------------------------------------------


@pytest.fixture
def star(jilin_this_year_published):
    return requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.LEARNING_STAR,
        title="百姓学习之星",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(YEAR, 12, 31),
        quota_per_unit=3,
        photo_min=1,
        photo_max=2,
        photo_min_long_side=1920,
        publish_winners=True,
    )


@pytest.fixture
def star_nomination(star, county_reporter):
    return services.nomination_create(
        actor=county_reporter,
        requirement=star,
        unit=county_reporter.unit,
        **(PERSON_VALUES | {"name": "刘桂芳", "workplace": "南湖街道南湖社区"}),
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("假照片.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg"),
            "不是可以打开的图片",
        ),
        (photo_file("small.jpg", size=(1600, 1200)), "长边只有 1600 像素，要求至少 1920 像素"),
        (photo_file("anim.gif", fmt="GIF"), "是 GIF 格式，请上传 JPEG 或 PNG"),
    ],
)
def test_photos_are_checked_by_content(star_nomination, county_reporter, upload, message):
    with pytest.raises(DomainError, match=message):
        services.photo_add(
            actor=county_reporter, nomination=star_nomination, upload=upload, caption="读书会现场"
        )
    assert not NominationPhoto.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(star_nomination, county_reporter):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, format="PNG")  # 144 megapixels in a few hundred KB
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), "image/png")
    assert bomb.size < 1_000_000
    with pytest.raises(DomainError, match="超过 60 百万像素的上限|压缩炸弹"):
        services.photo_add(actor=county_reporter, nomination=star_nomination, upload=bomb, caption="现场")


def test_a_photo_is_kept_with_its_facts_and_a_public_copy_without_gps(star_nomination, county_reporter):
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: shown upright, so 1600 wide and 2400 high
    exif.get_ifd(0x8825)[2] = (43.0, 52.0, 1.0)  # GPS latitude
    record = services.photo_add(
        actor=county_reporter,
        nomination=star_nomination,
        upload=photo_file("../../etc/刘桂芳\x00读书.jpg", exif=exif.tobytes()),
        caption="社区读书会",
    )
    assert (record.width, record.height) == (1600, 2400) and len(record.sha256) == 64
    assert record.original_name == "刘桂芳读书.jpg"
    with record.public.open("rb") as handle:
        shown = Image.open(io.BytesIO(handle.read()))
        assert shown.size == (1280, 1920)
        assert not shown.getexif()  # no orientation, no GPS, nothing
    with pytest.raises(DomainError, match="是同一张"):
        services.photo_add(
            actor=county_reporter,
            nomination=star_nomination,
            upload=photo_file("again.jpg", exif=exif.tobytes()),
            caption="又一张",
        )


def test_the_photo_count_rules(star_nomination, county_reporter):
    with pytest.raises(DomainError, match="照片至少 1 张（现有 0 张）"):
        services.nomination_submit(actor=county_reporter, nomination=star_nomination)
    services.photo_add(
        actor=county_reporter, nomination=star_nomination, upload=photo_file(size=(2000, 1500)), caption="一"
    )
    services.photo_add(
        actor=county_reporter, nomination=star_nomination, upload=photo_file(size=(2100, 1500)), caption="二"
    )
    with pytest.raises(DomainError, match="照片最多 2 张，已有 2 张"):
        services.photo_add(
            actor=county_reporter,
            nomination=star_nomination,
            upload=photo_file(size=(2200, 1500)),
            caption="三",
        )


def test_a_scan_must_be_a_pdf_whatever_its_name(advanced_unit, county_reporter, nominate):
    nomination = nominate(county_reporter, advanced_unit)
    fake = SimpleUploadedFile("申报表.pdf", photo_file().read(), "application/pdf")
    with pytest.raises(DomainError, match="不是 PDF 文件"):
        services.scan_attach(actor=county_reporter, nomination=nomination, upload=fake)
    broken = SimpleUploadedFile("申报表.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\n", "application/pdf")
    with pytest.raises(DomainError, match="已损坏|没有页面"):
        services.scan_attach(actor=county_reporter, nomination=nomination, upload=broken)
    nomination.refresh_from_db()
    assert not nomination.scan
    services.scan_attach(actor=county_reporter, nomination=nomination, upload=pdf_file())
    nomination.refresh_from_db()
    assert nomination.scan_name == "申报表盖章.pdf"


def test_an_upload_over_the_limit_is_refused(star_nomination, county_reporter, settings):
    settings.LEARNWEEK_PHOTO_MAX_MB = 1
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 10), "image/jpeg")
    with pytest.raises(DomainError, match="超过 1 MB 的上限"):
        services.photo_add(actor=county_reporter, nomination=star_nomination, upload=big, caption="大")
