from ninja import Router

from learnweek.api.schemas import ErrorOut, UnitBrief, UnitOut, unit_brief
from learnweek.orgs.selectors import unit_children, unit_get_visible

router = Router(tags=["units"])


@router.get("/{code}", response={200: UnitOut, 404: ErrorOut}, summary="单位及其直接下级")
def unit_detail(request, code: str):
    unit = unit_get_visible(request.auth, code)
    parent = unit.get_parent()
    return UnitOut(
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        kind_label=unit.kind_label,
        division_type=unit.division_type,
        is_municipality=unit.is_municipality,
        institution_type=unit.institution_type,
        parent=parent.code if parent else None,
        children=[UnitBrief(**unit_brief(c)) for c in unit_children(unit)],
    )
