"""The notice a resident reads and agrees to at the first sign-in (个人信息保护法 art. 17): who
processes, for what, which data, how long, how to exercise the rights. Change the text, change
``NOTICE_VERSION`` (or set PRIVACY_NOTICE_VERSION): every resident is asked again at the next visit."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

NOTICE_VERSION = "2026-12"


def current_version() -> str:
    return settings.PRIVACY_NOTICE_VERSION or NOTICE_VERSION


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


def notice_sections() -> list[Section]:
    controller, contact = settings.PRIVACY_CONTROLLER, settings.PRIVACY_CONTACT
    months = settings.PRIVACY_REGISTRATION_PHONE_MONTHS
    return [
        Section("谁处理您的信息", f"本网站由{controller}运营，是您个人信息的处理者。联系方式：{contact}。"),
        Section(
            "处理哪些信息、用来做什么",
            "手机号码：登录验证、报名凭证、给您发送报名成功、候补递补、活动取消的短信；"
            "姓名：报名名单和现场签到；为家人报名时填写的家人称呼；"
            "阅读记录、读后感：为您显示阅读进度与推荐。不用于营销，不向第三方提供。",
        ),
        Section(
            "保存多久",
            f"验证码保存 1 天；报名中的手机号在活动结束 {months} 个月后匿名化；"
            "账号和阅读记录保存到您注销账号为止，注销后删除或匿名化（统计数字保留，但不再能识别到您）。",
        ),
        Section(
            "您的权利",
            "您可以在“我的报名”页面下载您的全部数据，或注销账号；"
            f"也可以通过 {contact} 查阅、更正、删除您的信息或撤回同意。撤回同意不影响此前的处理。",
        ),
        Section(
            "未满十四周岁的儿童",
            "儿童由监护人以家庭成员的方式参加：由监护人的账号为其报名和记录阅读，不收集儿童的手机号码。",
        ),
    ]
