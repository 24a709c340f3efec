"""A resident's reading on the public site (/me/reading/): the family's readers and logs, goals,
days marked as read, badges, the province's leaderboard, and recommendations with reasons."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.core import clock
from learnweek.core.errors import DomainError, NotFound
from learnweek.orgs.selectors import region_get
from learnweek.public.resident_views import _is_resident
from learnweek.reading import log_services
from learnweek.reading.log_selectors import account_reading, leaderboard, profile_of, province_of
from learnweek.reading.models import AgeGroup, Audience, Reader, ReadingStatus
from learnweek.reading.recommend import recommend_for


class LogForm(forms.Form):
    book = forms.CharField(label="书名或 ISBN", max_length=100)
    status = forms.ChoiceField(label="状态", choices=ReadingStatus.choices, initial=ReadingStatus.READ)
    finished_on = forms.DateField(
        label="读完日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="读过时填写，默认今天",
    )
    notes = forms.CharField(label="笔记", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProfileForm(forms.Form):
    region = forms.CharField(
        label="所在区县代码", max_length=12, required=False, help_text="如 220104（长春市朝阳区）"
    )
    age_group = forms.ChoiceField(label="年龄段", choices=[("", "—"), *AgeGroup.choices], required=False)
    audiences = forms.MultipleChoiceField(
        label="为谁选书", choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    interests = forms.CharField(
        label="兴趣", max_length=200, required=False, help_text="如：历史、养生、亲子"
    )


def _sign_in_first(request):
    return redirect(f"{reverse('public:sign_in')}?next={reverse('public:my_reading')}")


def my_reading(request):
    if not _is_resident(request.user):
        return _sign_in_first(request)
    return _page(request)


def _page(request, typed: dict | None = None):
    """The page; after a refused action ``typed`` holds what was sent (``action``, ``reader``,
    ``books``, ``name``, ``age_group``) and the action's form bound to it, so nothing typed is
    lost."""
    typed = typed or {}
    log_services.reader_self(account=request.user)
    profile = profile_of(request.user)
    province = province_of(profile.region if profile else None)
    context = {
        "views": account_reading(request.user),
        "log_form": typed.get("log_form") or LogForm(),
        "profile_form": typed.get("profile_form")
        or ProfileForm(
            initial={
                "region": profile.region.code if profile and profile.region else "",
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


@require_POST
def my_reading_act(request):
    if not _is_resident(request.user):
        return _sign_in_first(request)
    action = request.POST.get("action", "")
    typed = {name: request.POST.get(name, "") for name in ("action", "reader", "books", "name", "age_group")}
    try:
        if action == "log":
            form = typed["log_form"] = LogForm(request.POST)
            if not form.is_valid():
                raise DomainError("请填写书名或 ISBN，日期写成 年-月-日。")
            book = log_services.book_find(form.cleaned_data["book"])
            log_services.log_set(
                account=request.user,
                reader=_reader(request),
                book=book,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"] or None,
                finished_on=form.cleaned_data["finished_on"],
            )
            messages.success(request, f"已记下{book}。")
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
            code = form.cleaned_data["region"].strip()
            try:
                region = region_get(code) if code else None
            except NotFound:
                raise DomainError(
                    f"所在区县代码：没有代码为 {code} 的地区。", code="profile_invalid"
                ) from None
            log_services.profile_save(
                account=request.user,
                region=region,
                age_group=form.cleaned_data["age_group"],
                audiences=form.cleaned_data["audiences"],
                interests=form.cleaned_data["interests"],
            )
            messages.success(request, "阅读资料已保存，推荐会随之调整。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        if action in ("log", "goal", "reader", "profile"):  # shown again with what was typed
            return _page(request, typed)
    return redirect("public:my_reading")
