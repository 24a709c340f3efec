"""A resident's reading on the public site (/me/reading/): the family's readers and logs, goals,
days marked as read, badges, the province's leaderboard, and recommendations with reasons."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.core import clock
from learnweek.core.errors import DomainError, NotFound
from learnweek.public.region_forms import LevelField, RegionChainMixin, chain_codes
from learnweek.public.resident_views import _is_resident
from learnweek.reading import log_services
from learnweek.reading.isbn import normalise_isbn
from learnweek.reading.log_selectors import (
    account_reading,
    book_of_isbn,
    leaderboard,
    listed_isbns,
    log_get_own,
    profile_of,
    province_of,
)
from learnweek.reading.log_services import NOTES_LIMIT, TITLE_LIMIT
from learnweek.reading.models import AgeGroup, Audience, Reader, ReadingStatus
from learnweek.reading.recommend import recommend_for


class LogForm(forms.Form):
    """A book by its title (with its author, if the resident likes) or its ISBN: one of the
    catalogue is linked to it, any other is kept as typed."""

    title = forms.CharField(
        label="书名",
        max_length=TITLE_LIMIT,
        required=False,
        error_messages={"max_length": f"书名最多 {TITLE_LIMIT} 字（现有 %(show_value)d 字）。"},
        widget=forms.TextInput(attrs={"placeholder": "如：骆驼祥子"}),
    )
    author = forms.CharField(
        label="作者（可不填）",
        max_length=TITLE_LIMIT,
        required=False,
        error_messages={"max_length": f"作者最多 {TITLE_LIMIT} 字（现有 %(show_value)d 字）。"},
    )
    isbn = forms.CharField(
        label="ISBN（可不填）",
        max_length=30,
        required=False,
        help_text="书背面条形码上方的 10 位或 13 位数字",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label="状态",
        choices=ReadingStatus.choices,
        initial=ReadingStatus.READ,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    finished_on = forms.DateField(
        label="读完日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="读过时填写，默认今天",
        error_messages={"invalid": "读完日期请写成 年-月-日，如 2026-12-02。"},
    )
    notes = forms.CharField(
        label="笔记（可不填）",
        required=False,
        max_length=NOTES_LIMIT,
        error_messages={"max_length": f"笔记最多 {NOTES_LIMIT} 字（现有 %(show_value)d 字）。"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_isbn(self) -> str:
        raw = self.cleaned_data["isbn"].strip()
        if not raw:
            return ""
        try:
            return normalise_isbn(raw)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        if not (data.get("title") or "").strip() and not self.data.get("isbn", "").strip():
            self.add_error("title", "请填写书名或 ISBN。")
        return data


class ProfileForm(RegionChainMixin, forms.Form):
    province = LevelField(label="所在省份", required=False)
    city = LevelField(label="地市", required=False)
    county = LevelField(label="区县", required=False, help_text="选好省份后点“保存”，再选地市、区县")
    age_group = forms.ChoiceField(label="年龄段", choices=[("", "—"), *AgeGroup.choices], required=False)
    audiences = forms.MultipleChoiceField(
        label="为谁选书",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        required=False,
    )
    interests = forms.CharField(
        label="兴趣", max_length=200, required=False, help_text="如：历史、养生、亲子"
    )

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, *args, **kwargs)
        self.set_up_chain(data if data is not None else self.initial, empty="—")
        if self.more and len(self.chain) < 2:
            # The hint goes under the last level shown.
            last = [name for name in ("province", "city", "county") if name in self.fields][-1]
            self.fields[last].help_text = "选好后点“保存”，再选下一级（地市、区县）"


PENDING = "reading_pending"  # the session key of what a visitor asked for before signing in
PENDING_MAX_AGE = 3600  # seconds: an hour to sign in


def _sign_in_first(request):
    return redirect(f"{reverse('public:sign_in')}?next={reverse('public:my_reading')}")


def my_reading(request):
    if not _is_resident(request.user):
        return _sign_in_first(request)
    pending = request.session.pop(PENDING, None)
    if pending is not None:
        _complete_pending(request, pending)
        return redirect("public:my_reading")
    return _page(request)


def _keep_pending(request) -> bool:
    """A visitor not signed in tapped 想读 or 读过 on a book's page: the book and the status are
    kept in its session, and done once it has signed in (``my_reading``). Only what the book page
    sends is kept: an ISBN (checked) and a status."""
    if request.POST.get("action") != "log" or request.POST.get("status") not in ReadingStatus.values:
        return False
    try:
        isbn = normalise_isbn(request.POST.get("isbn", ""))
    except DomainError:
        return False
    book = book_of_isbn(isbn)
    if book is None:
        return False
    request.session[PENDING] = {"isbn": isbn, "status": request.POST["status"], "at": int(time.time())}
    label = dict(ReadingStatus.choices)[request.POST["status"]]
    messages.info(request, f"登录后就把《{book.title}》记为{label}。")
    return True


def _complete_pending(request, pending: dict) -> None:
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_MAX_AGE:
        return
    book = book_of_isbn(str(pending.get("isbn", "")))
    status = pending.get("status")
    if book is None or status not in ReadingStatus.values:
        return
    try:
        log_services.log_set(
            account=request.user,
            reader=log_services.reader_self(account=request.user),
            book=book,
            status=status,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已把《{book.title}》记为{dict(ReadingStatus.choices)[status]}。")


def _page(request, typed: dict | None = None):
    """The page; after a refused action ``typed`` holds what was sent (``action``, ``reader``,
    ``books``, ``name``, ``age_group``) and the action's form bound to it, so nothing typed is
    lost."""
    typed = typed or {}
    log_services.reader_self(account=request.user)
    profile = profile_of(request.user)
    province = province_of(profile.region if profile else None)
    views = account_reading(request.user)
    context = {
        "views": views,
        "linked": listed_isbns([log.book_id for v in views for log in v.logs if log.book_id]),
        "log_form": typed.get("log_form") or LogForm(),
        "profile_form": typed.get("profile_form")
        or ProfileForm(
            initial={
                **chain_codes(profile.region if profile else None),
                "age_group": profile.age_group if profile else "",
                "audiences": profile.audiences if profile else [],
                "interests": profile.interests if profile else "",
            }
        ),
        "typed": typed,
        "age_groups": AgeGroup.choices,
        "statuses": ReadingStatus.choices,
        "board": leaderboard(province, clock.today().year) if province else None,
        "province": province,
        "suggestions": recommend_for(request.user),
    }
    return render(request, "public/residents/reading.html", context)


def _reader(request) -> Reader:
    """The reader the form names, or the account holder's own."""
    if not request.POST.get("reader"):
        return log_services.reader_self(account=request.user)
    try:
        return Reader.objects.get(account=request.user, pk=int(request.POST["reader"]))
    except (Reader.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def _log(request, raw: str):
    try:
        return log_get_own(request.user, int(raw))
    except ValueError as exc:
        raise NotFound() from exc


# Where a refused book belongs on the form: the field the resident must change.
LOG_ERROR_FIELD = {
    "title_missing": "title",
    "title_invalid": "title",
    "book_ambiguous": "title",
    "author_invalid": "author",
    "isbn_invalid": "isbn",
    "log_invalid": None,
}


def _log_book(request, form: LogForm) -> str:
    if not form.is_valid():
        raise DomainError("没有记下：请按表单里的提示修改。", code="log_form")
    d = form.cleaned_data
    try:
        ref = log_services.book_resolve(title=d["title"], author=d["author"], isbn=d["isbn"])
        log = log_services.log_set(
            account=request.user,
            reader=_reader(request),
            book=ref,
            status=d["status"],
            notes=d["notes"] or None,
            finished_on=d["finished_on"],
        )
    except DomainError as exc:
        field = LOG_ERROR_FIELD.get(exc.code)
        if field is None:
            raise
        form.add_error(field, exc.message)
        raise DomainError("没有记下：请按表单里的提示修改。", code="log_form") from None
    shown = "" if ref.book else "（图书库中没有这本书，按你填写的记下）"
    return f"已记下{log}，{log.get_status_display()}{shown}。"


def _status_message(log, was: str, finished_before: int) -> str:
    label = log.get_status_display()
    if log.status == ReadingStatus.READ:
        again = "，又读完一遍" if was == ReadingStatus.READ else ""
        return f"{log}已改为读过{again}（共读过 {log.times_read} 遍）。"
    if was == ReadingStatus.READ and log.times_read < finished_before:
        return f"{log}已改为{label}，撤回了最近一次读完记录，今年读完的本数随之减少。"
    if was == ReadingStatus.READ:
        return f"{log}已改为{label}，往年读完的记录保留。"
    return f"{log}已改为{label}。"


@require_POST
def my_reading_act(request):
    if not _is_resident(request.user):
        if not request.user.is_authenticated:
            _keep_pending(request)
        return _sign_in_first(request)
    action = request.POST.get("action", "")
    typed = {name: request.POST.get(name, "") for name in ("action", "reader", "books", "name", "age_group")}
    try:
        if action == "log":
            form = typed["log_form"] = LogForm(request.POST)
            messages.success(request, _log_book(request, form))
        elif action == "status":
            log = _log(request, request.POST.get("log", ""))
            was, times = log.status, log.times_read
            log = log_services.log_status_set(
                account=request.user, log=log, status=request.POST.get("status", "")
            )
            messages.success(request, _status_message(log, was, times))
        elif action == "day":
            log_services.day_mark(account=request.user, reader=_reader(request))
            messages.success(request, "今天已打卡。")
        elif action == "goal":
            try:
                books = int(request.POST.get("books", ""))
            except ValueError:
                raise DomainError("年度目标应为 1—1000 本。") from None
            log_services.goal_set(account=request.user, reader=_reader(request), books=books)
            messages.success(request, "年度目标已设定。")
        elif action == "reader":
            log_services.reader_add(
                account=request.user,
                name=request.POST.get("name", ""),
                age_group=request.POST.get("age_group", ""),
            )
            messages.success(request, "已添加家庭成员。")
        elif action == "profile":
            form = typed["profile_form"] = ProfileForm(request.POST)
            if not form.is_valid():
                raise DomainError("请检查所填内容。")
            log_services.profile_save(
                account=request.user,
                region=form.region,
                age_group=form.cleaned_data["age_group"],
                audiences=form.cleaned_data["audiences"],
                interests=form.cleaned_data["interests"],
            )
            where = f"所在地区：{form.region.name}。" if form.region else ""
            more = "可以继续选下一级。" if form.region and form.more else ""
            messages.success(request, f"阅读资料已保存，推荐会随之调整。{where}{more}")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        if action in ("log", "goal", "reader", "profile"):  # shown again with what was typed
            return _page(request, typed)
    return redirect("public:my_reading")


def my_reading_delete(request, pk):
    """Taking a book off the log: a page that asks first (what goes with it), then the POST."""
    if not _is_resident(request.user):
        return _sign_in_first(request)
    log = _log(request, str(pk))
    if request.method == "POST":
        removed = log_services.log_delete(account=request.user, log=log)
        counted = f"，{removed} 次读完记录不再计入统计" if removed else ""
        messages.success(request, f"已从{log.reader.name}的书单删除{log}{counted}。")
        return redirect("public:my_reading")
    this_year = log.finishes.filter(on__year=clock.today().year).count()
    return render(
        request,
        "public/residents/reading_delete.html",
        {"log": log, "finishes": log.finishes.count(), "this_year": this_year},
    )
