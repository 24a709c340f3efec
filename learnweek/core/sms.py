"""Text messages, from one registry of templates, through a configurable backend.

Providers let the education sector send verification codes and a person's own transactional
notices, and nothing else (several forbid invitations to sign up). So every message learnweek
sends is one of ``TEMPLATES``: fixed text, as it is filed with the provider, with named variables
of bounded length. A variable never carries a link, a signature bracket or a line break: the
values are cleaned here (``clean_variable``), whoever typed them. The signature (短信签名) is
``SMS_SIGNATURE``; each template's code at the provider is ``SMS_TEMPLATE_CODES[key]``.

``settings.SMS_BACKEND`` names a class with ``send(message)``, as Django sends e-mail. The console
backend prints; the locmem backend keeps an outbox for tests; ``core.sms_aliyun`` sends through
Alibaba Cloud's SMS service. ``learnweek sms-templates`` prints the registry for filing."""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from collections import deque
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from learnweek.core.phones import mask_phones

logger = logging.getLogger(__name__)

CODE = "验证码"
NOTICE = "短信通知"
DIGITS = re.compile(r"[0-9]{4,8}")
PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")


@dataclass(frozen=True)
class Template:
    key: str
    name: str  # the template's name at the provider
    kind: str  # CODE or NOTICE
    text: str  # the fixed text, variables as ${name}
    variables: dict[str, int]  # name → longest value, in characters
    digits: frozenset[str] = frozenset()  # variables that are digits only (codes)
    purpose: str = ""  # what it is sent for, in the words filed with the provider

    def __post_init__(self) -> None:
        named = set(PLACEHOLDER.findall(self.text))
        if named != set(self.variables):
            raise ValueError(
                f"template {self.key}: text names {sorted(named)}, declared {sorted(self.variables)}"
            )


TEMPLATES: dict[str, Template] = {
    template.key: template
    for template in (
        Template(
            "sign_in_code",
            "居民登录验证码",
            CODE,
            "您的登录验证码为${code}，${minutes}分钟内有效，请勿告诉他人。",
            {"code": 6, "minutes": 2},
            digits=frozenset({"code", "minutes"}),
            purpose="居民用手机号登录网站",
        ),
        Template(
            "account_code",
            "工作人员账号验证码",
            CODE,
            "您的验证码为${code}，用于激活账号或重置密码，${minutes}分钟内有效，请勿告诉他人。",
            {"code": 6, "minutes": 2},
            digits=frozenset({"code", "minutes"}),
            purpose="工作人员激活账号、找回密码",
        ),
        Template(
            "publication_consent_code",
            "公开展示同意验证码",
            CODE,
            "您的验证码为${code}。您被推荐参加终身学习先进评选，推荐单位拟公开您的姓名、照片和事迹；"
            "如同意，请将验证码告知推荐单位工作人员，${minutes}分钟内有效。",
            {"code": 6, "minutes": 2},
            digits=frozenset({"code", "minutes"}),
            purpose="被推荐人同意公开展示其个人信息（个人信息保护法第二十五条）",
        ),
        Template(
            "signup_confirmed",
            "活动报名成功",
            NOTICE,
            "您已报名“${activity}”，${start}开始，签到码${code}。",
            {"activity": 20, "start": 12, "code": 12},
            purpose="居民本人报名活动后的确认",
        ),
        Template(
            "waitlist_promoted",
            "候补转为报名成功",
            NOTICE,
            "您候补的“${activity}”已有名额，报名成功，${start}开始，签到码${code}。",
            {"activity": 20, "start": 12, "code": 12},
            purpose="居民本人候补的活动有了名额",
        ),
        Template(
            "activity_cancelled",
            "活动取消通知",
            NOTICE,
            "很抱歉，您报名的“${activity}”（${start}）已取消，详情请查看活动页面。",
            {"activity": 20, "start": 12},
            purpose="居民本人报名的活动被主办方取消",
        ),
    )
}

# What never goes into a variable: links (with or without a scheme), the signature's brackets, and
# anything that is not a printable character of one line.
_LINK = re.compile(
    r"(?i)(?:[a-z][a-z0-9+.-]*://\S*|www\.\S*|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:cn|com|net|org|top|xyz|info|cc|io|me|vip|site|link|ly)\b\S*)"
)


def clean_variable(value: object, longest: int) -> str:
    """``value`` as a variable may carry it: one line of printable text, no link and no 【】,
    cut to ``longest`` characters (the last one an ellipsis when cut)."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in text)
    text = _LINK.sub("", text).replace("【", "").replace("】", "")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > longest:
        text = text[: longest - 1].rstrip() + "…"
    return text


@dataclass(frozen=True)
class Message:
    phone: str
    template: Template
    params: dict[str, str]

    @property
    def signature(self) -> str:
        return settings.SMS_SIGNATURE

    @property
    def template_code(self) -> str:
        return settings.SMS_TEMPLATE_CODES.get(self.template.key, "")

    @property
    def text(self) -> str:
        """The message as the phone shows it: the signature, then the filled template."""
        body = PLACEHOLDER.sub(lambda match: self.params[match.group(1)], self.template.text)
        return f"【{self.signature}】{body}"


def message(phone: str, key: str, **params: object) -> Message:
    """The message ``key`` to ``phone`` with ``params``: every declared variable given, none
    more, each cleaned and bounded; a code variable must already be digits."""
    template = TEMPLATES[key]
    if set(params) != set(template.variables):
        raise ValueError(f"template {key} takes {sorted(template.variables)}, got {sorted(params)}")
    cleaned = {}
    for name, value in params.items():
        longest = template.variables[name]
        if name in template.digits:
            value = str(value)
            if not value.isascii() or not value.isdigit() or len(value) > longest:
                raise ValueError(f"template {key}: {name} must be at most {longest} digits")
            cleaned[name] = value
        else:
            cleaned[name] = clean_variable(value, longest) or "—"
    return Message(phone=phone, template=template, params=cleaned)


# Messages sent by the console and locmem backends, newest last: (phone, text). Tests read it; the
# demo shows a resident the code it would have received.
outbox: deque[tuple[str, str]] = deque(maxlen=1000)


class ConsoleBackend:
    """Writes each message to standard output (the runserver console), as Django's console
    e-mail backend does. The development default."""

    def send(self, message: Message) -> None:
        outbox.append((message.phone, message.text))
        sys.stdout.write(f"[短信] {message.phone}: {message.text}\n")
        sys.stdout.flush()


class LocmemBackend:
    def send(self, message: Message) -> None:
        outbox.append((message.phone, message.text))


class LogBackend:
    """Logs the message with the number masked (production without a gateway: nothing leaks)."""

    def send(self, message: Message) -> None:
        logger.warning(
            "SMS %s not sent (no gateway configured) to %s", message.template.key, mask_phones(message.phone)
        )


def last_message_to(phone: str) -> str:
    return next((text for to, text in reversed(outbox) if to == phone), "")


def send_template(phone: str, key: str, **params: object) -> None:
    """Send template ``key`` to ``phone``; the one way a text message leaves learnweek."""
    import_string(settings.SMS_BACKEND)().send(message(phone, key, **params))
