from learnweek.activities.generate import generate
from learnweek.activities.models import Activity
from learnweek.campaigns.services import campaign_create
from learnweek.core.paging import DeferredJoinPaginator
from tests.helpers import unit


def test_every_page_holds_the_same_rows_in_the_same_order_as_the_plain_query(tree):
    campaign = campaign_create(actor=None, issuing_unit=unit("220000"), year=2023, slug="pg", title="pg")
    generate(campaign, 230)
    queryset = Activity.objects.filter(campaign=campaign).order_by("-start", "-id")
    paginator = DeferredJoinPaginator(queryset, 50)
    assert paginator.count == 230 and paginator.num_pages == 5
    seen = []
    for number in paginator.page_range:
        page = paginator.page(number)
        assert all(isinstance(row, Activity) for row in page)
        seen.extend(row.pk for row in page)
    assert seen == list(queryset.values_list("pk", flat=True))
    assert len(paginator.get_page(99)) == 30  # past the end: the last page, as Django's paginator does
