"""Staff pages of the reading side: book lists and the catalogue, the lecture hall, book import."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.backoffice import reading_forms as forms
from learnweek.backoffice.forms import ask_to_choose_again
from learnweek.backoffice.guards import staff_required
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.tabular import pictures_sentence
from learnweek.orgs.models import UnitKind
from learnweek.reading import selectors, services
from learnweek.reading.log_selectors import scheme_of
from learnweek.reading.log_services import scheme_save


def _unit(request):
    if request.user.unit is None:
        raise NotFound()
    return request.user.unit


def _form_page(request, form, title, back_url, *, multipart=False):
    return render(
        request,
        "backoffice/reading/form.html",
        {"form": form, "title": title, "back_url": back_url, "multipart": multipart},
    )


@staff_required
def reading_home(request):
    context = {
        "lists": selectors.lists_visible_to(request.user),
        "lectures": selectors.lectures_visible_to(request.user)[:50],
    }
    return render(request, "backoffice/reading/home.html", context)


@staff_required
def list_new(request):
    form = forms.BookListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            book_list = services.book_list_create(
                actor=request.user, unit=_unit(request), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("backoffice:book_list", pk=book_list.pk)
    return _form_page(request, form, "新建书单", reverse("backoffice:reading"))


@staff_required
def list_edit(request, pk):
    book_list = selectors.list_get_visible(request.user, pk)
    initial = {name: getattr(book_list, name) for name in forms.BookListForm.base_fields}
    form = forms.BookListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.book_list_update(actor=request.user, book_list=book_list, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("backoffice:book_list", pk=pk)
    return _form_page(request, form, f"编辑：{book_list.title}", reverse("backoffice:book_list", args=[pk]))


@staff_required
def list_detail(request, pk):
    book_list = selectors.list_get_visible(request.user, pk)
    form = forms.EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.book_list_add(actor=request.user, book_list=book_list, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已加入书单。")
            return redirect("backoffice:book_list", pk=pk)
    context = {"list": book_list, "entries": selectors.list_entries(book_list), "form": form}
    return render(request, "backoffice/reading/list.html", context)


@staff_required
@require_POST
def entry_remove(request, pk, entry):
    book_list = selectors.list_get_visible(request.user, pk)
    try:
        services.book_list_remove(actor=request.user, entry=selectors.entry_get(book_list, entry))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("backoffice:book_list", pk=pk)


@staff_required
def lecture_new(request):
    form = forms.LectureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lecture_create(actor=request.user, unit=_unit(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "讲座已保存。")
            return redirect("backoffice:reading")
    return _form_page(request, form, "发布讲座", reverse("backoffice:reading"))


@staff_required
def lecture_edit(request, pk):
    lecture = selectors.lecture_get_visible(request.user, pk)
    initial = {name: getattr(lecture, name) for name in forms.LectureForm.base_fields}
    form = forms.LectureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lecture_update(actor=request.user, lecture=lecture, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "讲座已保存。")
            return redirect("backoffice:reading")
    return _form_page(request, form, f"编辑讲座：{lecture.title}", reverse("backoffice:reading"))


@staff_required
def book_import(request):
    form = forms.BookImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.books_import(
                actor=request.user, unit=_unit(request), source=upload, filename=upload.name
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            ask_to_choose_again(form)
        else:
            messages.success(
                request,
                f"已导入：新增 {result.created} 本，更新 {result.updated} 本，合并重复行 {result.merged} 行。",
            )
            if result.pictures:
                messages.warning(request, pictures_sentence(list(result.pictures)))
            return redirect("backoffice:reading")
    return _form_page(request, form, "导入书目", reverse("backoffice:reading"), multipart=True)


@staff_required
def essay_call_new(request):
    form = forms.EssayCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.essay_call_create(actor=request.user, unit=_unit(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("backoffice:essay_call", pk=call.pk)
    return _form_page(request, form, "发布读书征文", reverse("backoffice:reading"))


@staff_required
def essay_call(request, pk):
    call = selectors.essay_call_get_visible(request.user, pk)
    return render(
        request,
        "backoffice/reading/essays.html",
        {"call": call, "essays": call.essays.select_related("account")},
    )


@staff_required
def incentive_scheme(request):
    """A province's reading incentive scheme (阅读激励机制), set by its administrators."""
    province = _unit(request)
    if province.kind != UnitKind.PROVINCE:
        raise NotFound()
    current = scheme_of(province)
    initial = {name: getattr(current, name) for name in forms.SchemeForm.base_fields}
    form = forms.SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme_save(actor=request.user, province=province, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "阅读激励设置已保存，居民页面即时生效。")
            return redirect("backoffice:reading")
    return _form_page(request, form, f"{province.name}阅读激励", reverse("backoffice:reading"))
