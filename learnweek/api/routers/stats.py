from ninja import Router

from learnweek.api.schemas import ErrorOut, StatsOut
from learnweek.stats.selectors import stats_table_for

router = Router(tags=["stats"])


@router.get(
    "/campaigns/{slug}/stats/{unit_code}",
    response={200: StatsOut, 404: ErrorOut},
    exclude_none=True,
    summary="活动开展情况统计表（实时）",
)
def stats(request, slug: str, unit_code: str, by_child: bool = False):
    """The unit's table computed now from the activities and reported totals of its subtree;
    ``by_child=true`` adds one table per administrative child unit."""
    return stats_table_for(request.auth, slug, unit_code, by_child=by_child).as_json()
