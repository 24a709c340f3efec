"""The 成果展 on the public site: approved exhibition boards by year and province, each on a
page that prints as one board. Photos are the public copies (upright, no EXIF or GPS)."""

from __future__ import annotations

from django.shortcuts import render

from learnweek.core.downloads import stored_file
from learnweek.core.errors import NotFound
from learnweek.materials.selectors import exhibition_board_get, exhibition_boards, exhibition_years
from learnweek.orgs.selectors import regions_below
from learnweek.public.filters import year_and_province

PAGE = 60


def exhibition(request):
    chosen = year_and_province(request.GET)
    boards = exhibition_boards(year=chosen.year, province=chosen.province)
    context = {
        "boards": boards.prefetch_related("photos")[:PAGE],
        "years": exhibition_years(),
        "provinces": regions_below(None),
        "chosen": chosen.chosen(),
    }
    return render(request, "public/exhibition/list.html", context)


def exhibition_board(request, pk):
    board = exhibition_board_get(pk)
    return render(request, "public/exhibition/board.html", {"board": board, "photos": board.photos.all()})


def exhibition_photo(request, pk, photo, size="full"):
    board = exhibition_board_get(pk)
    record = board.photos.filter(pk=photo).first()
    if record is None:
        raise NotFound()
    field = record.thumb if size == "thumb" else record.public
    return stored_file(field, name=record.caption, inline=True)
