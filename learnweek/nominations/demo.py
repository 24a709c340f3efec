"""Demo nominations for `make demo`, made through the services: Chaoyang district's advanced unit
(recommended by Changchun, selected by Jilin) and advanced individual (awaiting Changchun), and
Jilin's learning stars in the national list, two of them selected and shown on the public site."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from learnweek.accounts.models import User
from learnweek.campaigns.models import Campaign, Requirement, RequirementKind
from learnweek.nominations import services
from learnweek.nominations.models import DecisionAction, Nomination
from learnweek.privacy.services import publication_consent_form

STARS = [
    (
        "刘桂芳",
        "女",
        "长春市朝阳区南湖街道南湖社区",
        "退休后自学书法二十年，在社区学校义务开设书法课，带出学员三百余人。",
    ),
    ("陈志强", "男", "吉林市船营区致富社区", "外卖骑手，利用业余时间考取成人本科，组织骑手读书会。"),
    ("王淑珍", "女", "延边州延吉市河南街道", "组织朝汉双语亲子阅读，带动两百个家庭坚持每天阅读。"),
]


def _picture(text_colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (1920, 1280), (245, 240, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 120, 1800, 1160), outline=text_colour, width=24)
    draw.ellipse((760, 340, 1160, 740), fill=text_colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _consent_form() -> SimpleUploadedFile:
    """A one-page PDF standing for the nominee's signed consent to publication."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return SimpleUploadedFile("公开展示同意书.pdf", buffer.getvalue(), content_type="application/pdf")


def _requirement(slug: str, kind: str) -> Requirement | None:
    return Requirement.objects.filter(campaign__slug=slug, kind=kind).first()


@transaction.atomic
def demo_nominations() -> int:
    """Idempotent: does nothing once any nomination exists. Returns how many it made."""
    if Nomination.objects.exists() or not Campaign.objects.filter(slug="2023-jilin").exists():
        return 0
    chaoyang = User.objects.get(username="chaoyang")
    changchun = User.objects.get(username="changchun")
    jilin = User.objects.get(username="jilin")
    ministry = User.objects.get(username="ministry")
    assert chaoyang.unit is not None and jilin.unit is not None  # every demo account belongs to a unit
    made = 0
    unit_requirement = _requirement("2023-jilin", RequirementKind.ADVANCED_UNIT)
    if unit_requirement is not None:
        nomination = services.nomination_create(
            actor=chaoyang,
            requirement=unit_requirement,
            unit=chaoyang.unit,
            name="长春市朝阳区社区学院",
            supervisor="长春市朝阳区教育局",
            head_name="王建国",
            head_title="院长",
            address="长春市朝阳区人民大街1号",
            phone="0431-88886666",
            deeds="全年组织社区读书会、智能手机课堂、家长学校等活动一百二十场，参与居民一万余人次；"
            "建成十五分钟学习圈，开设线上课程四十门。",
            contact_name="李老师",
            contact_phone="13904310000",
        )
        services.nomination_submit(actor=chaoyang, nomination=nomination, opinion="情况属实，同意推荐")
        services.nomination_decide(
            actor=changchun,
            nomination=nomination,
            action=DecisionAction.RECOMMEND,
            comment="经审核，同意推荐",
        )
        services.nomination_decide(
            actor=jilin, nomination=nomination, action=DecisionAction.RECOMMEND, comment="同意"
        )
        made += 1
    person_requirement = _requirement("2023-jilin", RequirementKind.ADVANCED_INDIVIDUAL)
    if person_requirement is not None:
        nomination = services.nomination_create(
            actor=chaoyang,
            requirement=person_requirement,
            unit=chaoyang.unit,
            name="张秀兰",
            birth_date=datetime.date(1968, 5, 4),
            gender="女",
            ethnicity="汉族",
            workplace="长春市朝阳区南湖街道社区学校",
            position="校长",
            email="zhangxl@example.cn",
            phone="13804310001",
            deeds="扎根社区教育二十年，开办家长学校和老年大学分校，组织活动周系列活动三十场。",
            contact_name="李老师",
            contact_phone="13904310000",
        )
        services.nomination_submit(actor=chaoyang, nomination=nomination, opinion="同意推荐")
        made += 1
    stars = _requirement("2023-national", RequirementKind.LEARNING_STAR)
    if stars is not None:
        colours = [(200, 60, 40), (40, 110, 180), (60, 150, 80)]
        for i, (name, gender, place, deeds) in enumerate(STARS):
            nomination = services.nomination_create(
                actor=jilin,
                requirement=stars,
                unit=jilin.unit,
                name=name,
                gender=gender,
                birth_date=datetime.date(1960 + 8 * i, 3, 1),
                workplace=place,
                phone="0431-88905322",
                deeds=deeds,
                contact_name="吴老师",
                contact_phone="0431-82857798",
            )
            services.photo_add(
                actor=jilin, nomination=nomination, upload=_picture(colours[i]), caption=f"{name}的学习课堂"
            )
            services.nomination_submit(actor=jilin, nomination=nomination, opinion="同意推荐")
            if i < 2:  # selected, and shown on the showcase with the nominee's signed consent
                publication_consent_form(actor=jilin, nomination=nomination, upload=_consent_form())
                services.nomination_decide(
                    actor=ministry, nomination=nomination, action=DecisionAction.RECOMMEND
                )
            made += 1
    return made
