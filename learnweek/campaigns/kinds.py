"""The registry of requirement kinds: what each kind of requirement does, in one place.

A kind is registered once, from the ``ready()`` of the app that owns it (materials registers the
material kinds, nominations the nomination kinds, stats the 统计表), with everything that differs
from a plain text answer: the page it is answered on instead of the text form, the state each
unit has on the board, the checks at handing in, the files it puts in a unit's package and the
links the pages show beside it. Views, the board, 我的任务, the package and the
API ask this registry (``kind_of(requirement)``); none of them names a kind. A kind nobody
registered is answered with a title and a text (``KindBehaviour(kind)``).

Campaigns knows no kind here: the apps register into it, never the other way round. The labels
the kinds are shown with stay in ``RequirementKind`` (``campaigns.models``), the choices of the
model field.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from learnweek.core.packages import PackageEntry

if TYPE_CHECKING:
    from learnweek.campaigns.models import Campaign, Requirement, Submission
    from learnweek.campaigns.selectors import BoardUnit
    from learnweek.orgs.models import Unit

TEXT = "text"  # the family of a kind answered with a title and a text

# (requirement, units, on) -> {unit id: (board state, label)}: for kinds whose answer is not one
# submission per unit (nominations: several nominees, each reviewed on its own). The units are
# model instances or the board's plain ``BoardUnit`` rows: a source reads their pk, path and depth.
BoardSource = Callable[
    ["Requirement", Sequence["Unit | BoardUnit"], datetime.date], dict[int, tuple[str, str]]
]
# (requirement, submission) -> the problems that keep the submission from being handed in.
SubmitCheck = Callable[["Requirement", "Submission"], list[str]]
# submission -> its files in the unit's package, paths relative to the submission's folder.
PackageFiles = Callable[["Submission"], Iterable[PackageEntry]]


@dataclass(frozen=True)
class Link:
    """A link a page shows for a kind: its label and how its address is made (from the
    requirement, or from the campaign for ``unit_package``)."""

    label: str
    url: Callable[[Any], str]


@dataclass(frozen=True)
class KindBehaviour:
    """What one requirement kind does. Every field but ``kind`` has the plain text answer's
    behaviour as its default."""

    kind: str
    # Which front-door pages show and edit the answer ("material", "nomination", "statistics"):
    # the owning app's name for how it is answered. A kind of a known family needs no page.
    family: str = TEXT
    # The page the unit answers on instead of the text form: (requirement, unit) -> address.
    edit_url: Callable[[Requirement, Unit], str] | None = None
    board_states: BoardSource | None = None
    # None: the requirement's text rules (campaigns.rules.text_problems).
    submit_check: SubmitCheck | None = None
    # None: the kind puts nothing in a unit's package.
    package_files: PackageFiles | None = None
    board_link: Link | None = None  # shown on the board, e.g. 推荐名单与审核
    campaign_link: Link | None = None  # shown beside the requirement on its campaign's page
    unit_package: Link | None = None  # the unit's own package of the kind, on the campaign page
    # A help on the page the unit answers on, e.g. 下载工作总结草稿: (requirement, unit) ->
    # (label, address).
    edit_aid: Callable[[Requirement, Unit], tuple[str, str]] | None = None

    def edit_address(self, requirement: Requirement, unit: Unit) -> str | None:
        return self.edit_url(requirement, unit) if self.edit_url is not None else None

    def edit_aid_for(self, requirement: Requirement, unit: Unit) -> tuple[str, str] | None:
        return self.edit_aid(requirement, unit) if self.edit_aid is not None else None


_KINDS: dict[str, KindBehaviour] = {}


def register(behaviour: KindBehaviour) -> KindBehaviour:
    """Register ``behaviour`` for its kind, from the owning app's ``ready()``. Two different
    behaviours for one kind are a configuration error (two apps claiming it)."""
    existing = _KINDS.get(behaviour.kind)
    if existing is not None and existing != behaviour:
        raise ImproperlyConfigured(f"requirement kind {behaviour.kind!r} is registered twice")
    _KINDS[behaviour.kind] = behaviour
    return behaviour


def unregister(kind: str) -> None:
    _KINDS.pop(kind, None)


def behaviour(kind: str) -> KindBehaviour:
    """The registered behaviour of ``kind``, or the plain text answer's."""
    return _KINDS.get(kind) or KindBehaviour(kind)


def kind_of(requirement: Requirement) -> KindBehaviour:
    return behaviour(requirement.kind)


def registered() -> list[KindBehaviour]:
    return list(_KINDS.values())


def kinds_of_family(family: str) -> tuple[str, ...]:
    return tuple(b.kind for b in _KINDS.values() if b.family == family)


def packaged_kinds() -> tuple[str, ...]:
    """The kinds that put files in a unit's package."""
    return tuple(b.kind for b in _KINDS.values() if b.package_files is not None)


def unit_packages(campaign: Campaign, requirements: Iterable[Requirement]) -> list[tuple[str, str]]:
    """(label, address) of the unit packages of the kinds among the campaign's ``requirements``,
    each once, in their order."""
    links: dict[str, str] = {}
    for requirement in requirements:
        link = kind_of(requirement).unit_package
        if link is not None:
            links.setdefault(link.label, link.url(campaign))
    return list(links.items())
