"""A unit's package for a campaign's year: every submission of a kind that puts files in a
package (``KindBehaviour.package_files``), soonest deadline first, each in a folder
``序号-事项名称/`` holding what its kind gives — one zip a reviewer who still works offline can
open. Which files a kind gives is its own app's business (materials: a Word document, the photos
named ``序号-说明.jpg``, the attached documents)."""

from __future__ import annotations

from collections.abc import Iterator

from learnweek.campaigns.kinds import kind_of, packaged_kinds
from learnweek.campaigns.models import Campaign, Submission
from learnweek.campaigns.selectors import campaign_family
from learnweek.core.packages import Package, PackageEntry, zip_of
from learnweek.core.uploads import safe_name
from learnweek.orgs.models import Unit


def packaged_submissions(campaign: Campaign, unit_id: int) -> list[Submission]:
    """The unit's submissions in the campaign's year that go in its package, soonest deadline
    first."""
    return list(
        Submission.objects.filter(
            unit_id=unit_id,
            requirement__campaign__in=campaign_family(campaign),
            requirement__kind__in=packaged_kinds(),
        )
        .select_related("requirement", "unit")
        .order_by("requirement__deadline", "requirement__position", "pk")
    )


def package_entries(campaign: Campaign, unit_id: int) -> Iterator[PackageEntry]:
    for number, submission in enumerate(packaged_submissions(campaign, unit_id), start=1):
        folder = safe_name(f"{number:02d}-{submission.requirement.title}", fallback=f"{number:02d}")
        files = kind_of(submission.requirement).package_files
        assert files is not None  # noqa: S101 - packaged_kinds() are those that have them
        for path, content in files(submission):
            yield PackageEntry(f"{folder}/{path}", content)


def package_zip(campaign: Campaign, unit_id: int) -> bytes:
    return zip_of(package_entries(campaign, unit_id))


def unit_package(campaign: Campaign, unit: Unit) -> Package:
    """The unit's package of the campaign's year, as the document its page hands out."""
    return Package(f"{unit.name}-{campaign.year}-报送材料", lambda: package_entries(campaign, unit.pk))
