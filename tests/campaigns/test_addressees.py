"""Item 6 of issue 23: a requirement answers the units its notice names, the kinds of
institutions it asks, and institutions below another level only through that level."""

import pytest
from django.urls import reverse

from learnweek.campaigns.models import Campaign, RequirementKind
from learnweek.campaigns.seeds import campaigns_seed
from learnweek.campaigns.selectors import applicable_units, board_for, tasks_for_unit
from learnweek.campaigns.services import campaign_derive, campaign_set_status, requirement_create
from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.selectors import within
from learnweek.orgs.services import institution_create
from tests.campaigns.helpers import days
from tests.helpers import unit


@pytest.fixture
def addressed(cascade):
    """Jilin's requirement for its prefectures, 长白山 and 梅河口 by name, and every university."""
    changbaishan = institution_create(
        actor=None,
        parent=unit("220000"),
        code="T-CBS",
        name="长白山管委会教育科技局",
        institution_type=InstitutionType.OTHER,
    )
    university = institution_create(
        actor=None,
        parent=unit("220104"),
        code="T-UNI",
        name="长春某大学",
        institution_type=InstitutionType.UNIVERSITY,
    )
    requirement = requirement_create(
        actor=None,
        campaign=cascade["jilin"],
        kind=RequirementKind.DEMO_TABLE,
        title="示范活动汇总表",
        applies_to=[UnitKind.PREFECTURE],
        addressed_units=[changbaishan, unit("220581")],
        institution_types=[InstitutionType.UNIVERSITY],
        deadline=days(9),
    )
    return {"requirement": requirement, "changbaishan": changbaishan, "university": university}


def prefectures_of_jilin():
    return set(
        within(Unit.objects.filter(kind=UnitKind.PREFECTURE), unit("220000")).values_list("code", flat=True)
    )


def test_named_units_and_institution_types_answer_and_nothing_else(addressed, cascade):
    codes = set(applicable_units(addressed["requirement"]).values_list("code", flat=True))
    assert codes == prefectures_of_jilin() | {"T-CBS", "220581", "T-UNI"}
    assert cascade["school"].code not in codes  # a community school under a district


def test_my_tasks_agree_with_the_rule(addressed, cascade):
    requirement = addressed["requirement"]
    for answering in (unit("220581"), addressed["changbaishan"], addressed["university"], unit("220100")):
        assert requirement in [t.requirement for t in tasks_for_unit(answering)], answering.name
    for other in (cascade["school"], unit("220104")):
        assert requirement not in [t.requirement for t in tasks_for_unit(other)], other.name


def test_the_board_counts_exactly_the_addressees(addressed, province_admin):
    board = board_for(province_admin, addressed["requirement"])
    assert board.total == len(prefectures_of_jilin()) + 3
    assert {"长白山管委会教育科技局", "梅河口市", "长春某大学"} <= {row.unit.name for row in board.rows}


def test_a_named_unit_keeps_answering_the_level_that_names_it(addressed, cascade):
    tonghua = campaign_derive(actor=None, parent=cascade["jilin"], unit=unit("220500"), issued_on=days(-1))
    requirement_create(
        actor=None,
        campaign=tonghua,
        parent_requirement=addressed["requirement"],
        applies_to=[UnitKind.COUNTY],
        deadline=days(7),
    )
    campaign_set_status(actor=None, campaign=tonghua, status="published")
    tasks = [t.requirement for t in tasks_for_unit(unit("220581"))]
    assert addressed["requirement"] in tasks
    assert not any(r.parent_requirement_id == addressed["requirement"].pk for r in tasks)
    assert "220581" in set(applicable_units(addressed["requirement"]).values_list("code", flat=True))


def test_an_institution_under_a_district_gets_no_provincial_advanced_individual(cascade):
    direct = institution_create(
        actor=None, parent=unit("220000"), code="T-DIRECT", name="省直属学院", institution_type="other"
    )
    individual = requirement_create(
        actor=None,
        campaign=cascade["jilin"],
        kind=RequirementKind.ADVANCED_INDIVIDUAL,
        title="活动周工作先进个人",
        applies_to=[UnitKind.COUNTY, UnitKind.INSTITUTION],
        deadline=days(9),
    )
    assert individual not in [t.requirement for t in tasks_for_unit(cascade["school"])]
    assert individual in [t.requirement for t in tasks_for_unit(direct)]
    assert not applicable_units(individual).filter(pk=cascade["school"].pk).exists()
    # The district's own requirement for its institutions still reaches the school.
    assert cascade["cy_plan"] in [t.requirement for t in tasks_for_unit(cascade["school"])]


def test_a_named_unit_outside_the_issuer_is_refused(cascade):
    with pytest.raises(Exception, match="不在 吉林省 之下"):
        requirement_create(
            actor=None,
            campaign=cascade["jilin"],
            kind=RequirementKind.OTHER,
            title="x",
            applies_to=[UnitKind.PREFECTURE],
            addressed_units=[unit("140000")],
            deadline=days(9),
        )


def test_the_form_takes_codes_and_says_which_line_is_wrong(client, cascade, province_admin):
    client.force_login(province_admin)
    url = reverse("backoffice:requirement_new", args=["jl"])
    data = {
        "kind": "other",
        "title": "点名事项",
        "applies_to": ["prefecture"],
        "deadline": days(9).isoformat(),
        "addressed_units": "220581 梅河口市\n140000 山西省",
        "institution_types": ["university"],
    }
    page = client.post(url, data).content.decode()
    assert "第2行“140000”不是吉林省之下的单位" in page and "220581 梅河口市" in page
    data["addressed_units"] = "220581 梅河口市"
    assert client.post(url, data).status_code == 302
    requirement = cascade["jilin"].requirements.get(title="点名事项")
    assert [u.code for u in requirement.addressed_units.all()] == ["220581"]
    assert requirement.institution_types == ["university"]


def test_the_seeded_jilin_notices_name_their_three_addressees(tree, province_admin):
    campaigns_seed()
    for requirement in Campaign.objects.get(slug="2023-jilin").requirements.all():
        names = {u.name for u in requirement.addressed_units.all()}
        assert names == {"长白山管委会教育科技局", "梅河口市"}, requirement.title
        assert requirement.institution_types == [InstitutionType.UNIVERSITY]
    demo_table = Campaign.objects.get(slug="2023-jilin").requirements.get(kind=RequirementKind.DEMO_TABLE)
    board = board_for(province_admin, demo_table)
    assert board.total == len(prefectures_of_jilin()) + 2  # the tree has no university yet
    assert campaigns_seed() == [] and Unit.objects.filter(name="长白山管委会教育科技局").count() == 1
