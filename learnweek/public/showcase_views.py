"""The public showcase (成果展示): selected 百姓学习之星, 终身学习品牌项目 and the other showcases,
by year and province, with their photos. Personal data never leaves the back office: the pages
show only the fields in ``PUBLIC_FIELDS`` and the photos' public copies (EXIF and GPS dropped)."""

from __future__ import annotations

from django.shortcuts import render

from learnweek.core.downloads import stored_file
from learnweek.core.errors import NotFound
from learnweek.nominations.kinds import SPECS
from learnweek.nominations.models import NominationPhoto
from learnweek.nominations.selectors import showcase, showcase_get, showcase_kinds, showcase_years
from learnweek.orgs.selectors import regions_below
from learnweek.public.filters import year_and_province

PAGE = 60


def showcase_list(request):
    chosen = year_and_province(request.GET)
    kind = request.GET.get("kind", "")
    items = showcase(
        year=chosen.year, province=chosen.province, kind=kind if kind in SPECS else None
    ).prefetch_related("photos")[:PAGE]
    context = {
        "items": items,
        "years": showcase_years(),
        "kinds": showcase_kinds(),
        "provinces": regions_below(None),
        "chosen": chosen.chosen() | {"kind": kind},
    }
    return render(request, "public/showcase/list.html", context)


def showcase_detail(request, pk):
    nomination = showcase_get(pk)
    spec = SPECS[nomination.requirement.kind]
    fields = [
        (f.label, getattr(nomination, f.name))
        for f in spec.fields
        if f.name in ("workplace", "position", "head_name", "deeds", "story", "resources")
        and not (spec.person and f.name == "head_name")
    ]
    context = {"nomination": nomination, "spec": spec, "fields": fields, "photos": nomination.photos.all()}
    return render(request, "public/showcase/detail.html", context)


def showcase_photo(request, pk, photo, size="full"):
    nomination = showcase_get(pk)
    record = NominationPhoto.objects.filter(nomination=nomination, pk=photo).first()
    if record is None:
        raise NotFound()
    field = record.thumb if size == "thumb" else record.public
    return stored_file(field, name=record.caption, inline=True)
