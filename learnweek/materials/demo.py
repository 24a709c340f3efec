"""Demo materials for `make demo`: Changchun's exhibition board of 2023, approved by Jilin, so that
the public 成果展 has a board to show. Made through the services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from learnweek.accounts.models import User
from learnweek.campaigns.models import Requirement, RequirementKind, Submission
from learnweek.campaigns.services import submission_approve, submission_submit
from learnweek.materials import services

SCENES = ["开幕式现场", "老年智能手机课堂", "亲子共读", "社区书法班", "非遗剪纸体验", "线上学习直播"]
BODY = (
    "长春市以“让学习成为一种生活方式”为主题，在全市各县（市）区同步开展全民终身学习活动周。"
    "全市建成社区学习点四百余个，形成十五分钟学习圈；开放大学、社区学院、老年大学和中小学校联动，"
    "推出智能手机课堂、家庭亲子共读、非遗技艺体验、职工技能培训等活动一千二百余场，"
    "线上线下参与市民六十余万人次。"
)


def _picture(i: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (1920, 1280), (250, 246, 238))
    draw = ImageDraw.Draw(image)
    colour = [(192, 57, 43), (41, 128, 185), (39, 174, 96), (142, 68, 173), (211, 84, 0), (22, 160, 133)][i]
    draw.rectangle((160, 160, 1760, 1120), outline=colour, width=30)
    draw.rectangle((560 + 60 * i, 420, 1360 - 60 * i, 860), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"scene-{i}.jpg", buffer.getvalue(), content_type="image/jpeg")


@transaction.atomic
def demo_materials() -> int:
    """Idempotent: does nothing once the board exists. Returns how many materials it made."""
    board = Requirement.objects.filter(
        campaign__slug="2023-jilin", kind=RequirementKind.EXHIBITION_BOARD
    ).first()
    if board is None:
        return 0
    changchun = User.objects.get(username="changchun")
    assert changchun.unit is not None  # every demo account belongs to a unit
    if Submission.objects.filter(requirement=board, unit=changchun.unit).exists():
        return 0
    body = BODY
    while len(body) < (board.body_min_chars or 0):
        body += BODY
    if board.body_max_chars:
        body = body[: board.body_max_chars]
    submission = services.material_save(
        actor=changchun, requirement=board, unit=changchun.unit, title="学在长春 乐享终身", body=body
    )
    for i, scene in enumerate(SCENES[: board.photo_max or len(SCENES)]):
        services.material_photo_add(actor=changchun, submission=submission, upload=_picture(i), caption=scene)
    submission_submit(actor=changchun, submission=submission)
    submission_approve(actor=User.objects.get(username="jilin"), submission=submission, comment="同意展出")
    return 1
