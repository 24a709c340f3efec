"""A unit's package for a campaign's year: every submission of a kind that puts files in a
package (``KindBehaviour.package_files``), soonest deadline first, each in a folder
``序号-事项名称/`` holding what its kind gives — one zip a reviewer who still works offline can
open. Which files a kind gives is its own app's business (materials: a Word document, the photos
named ``序号-说明.jpg``, the attached documents).

Either package may be asked for with a PDF beside each Word or Excel file the system wrote
(``pdf``; ``core.packages.with_pdfs``): one LibreOffice run for the whole package, and only when
asked, since it costs that run (1–3 s, one of the machine's conversion slots) and fails where
LibreOffice is missing, which a package of Word files never does. ``submission_package`` is one
submission's hand-in, as its page offers it: always with its PDFs."""

from __future__ import annotations

from collections.abc import Iterator

from learnweek.campaigns.kinds import kind_of, packaged_kinds
from learnweek.campaigns.models import Campaign, Submission
from learnweek.campaigns.selectors import campaign_family
from learnweek.core.packages import Entries, Package, PackageEntry, with_pdfs, zip_of
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
        for entry in submission_files(submission):
            yield entry._replace(path=f"{folder}/{entry.path}")


def submission_files(submission: Submission) -> Iterator[PackageEntry]:
    """What the submission's kind puts in a package (nothing for a kind that puts nothing)."""
    files = kind_of(submission.requirement).package_files
    if files is not None:
        for entry in files(submission):
            yield PackageEntry(*entry)


def package_zip(campaign: Campaign, unit_id: int, *, pdf: bool = False) -> bytes:
    entries: Entries = package_entries(campaign, unit_id)
    return zip_of(with_pdfs(entries) if pdf else entries)


def unit_package(campaign: Campaign, unit: Unit, *, pdf: bool = False) -> Package:
    """The unit's package of the campaign's year, as the document its page hands out; with a
    PDF beside each Word or Excel file if ``pdf``."""
    name = f"{unit.name}-{campaign.year}-报送材料" + ("（Word+PDF）" if pdf else "")
    return Package(
        name,
        lambda: with_pdfs(package_entries(campaign, unit.pk)) if pdf else package_entries(campaign, unit.pk),
    )


def has_package_files(submission: Submission) -> bool:
    return kind_of(submission.requirement).package_files is not None


def submission_package(submission: Submission) -> Package:
    """One submission's hand-in (what its kind puts in a package) with a PDF beside each Word or
    Excel file: what its unit prints, seals and sends for the requirement."""
    name = safe_name(f"{submission.unit.name}-{submission.requirement.title}-报送材料", fallback="报送材料")
    return Package(name, lambda: with_pdfs(submission_files(submission)))
