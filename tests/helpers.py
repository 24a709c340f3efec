"""What the tests import: the unit codes of the test tree, a unit by its code, the current year
and files to upload. Fixtures live in the conftest modules, which nothing imports."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from learnweek.orgs.models import Unit

# Codes used throughout the tests: Jilin province, Changchun city, two of its districts, and
# a sibling city.
PROVINCE, CITY, COUNTY, SIBLING_COUNTY, OTHER_CITY = "220000", "220100", "220104", "220105", "220200"

YEAR = timezone.localdate().year  # a campaign of this year, its deadlines ahead


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def jilin_this_year():
    """Jilin's own campaign of ``YEAR`` (so deadlines set in it lie ahead), published, with no
    requirements: the nomination and material tests add theirs."""
    from learnweek.campaigns.models import CampaignStatus
    from learnweek.campaigns.services import campaign_create, campaign_set_status

    campaign = campaign_create(
        actor=None,
        issuing_unit=unit(PROVINCE),
        year=YEAR,
        slug="jl-nom",
        title=f"{YEAR}年吉林省全民终身学习活动",
    )
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


def photo_file(name="活动现场.jpg", size=(2400, 1600), fmt="JPEG", **save):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf_file(name="申报表盖章.pdf"):
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, format="PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
