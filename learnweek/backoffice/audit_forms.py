from __future__ import annotations

from django import forms

from learnweek.audit.actions import ACTIONS, FAILURE, SUCCESS


class AuditSearchForm(forms.Form):
    text = forms.CharField(label="操作人、对象、单位或地址", max_length=100, required=False)
    action = forms.ChoiceField(label="事件", required=False, choices=[("", "全部事件"), *ACTIONS.items()])
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), (SUCCESS, SUCCESS), (FAILURE, FAILURE)]
    )
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data

    def description(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        parts = []
        if data.get("text"):
            parts.append(f"含“{data['text']}”")
        if data.get("action"):
            parts.append(ACTIONS[data["action"]])
        if data.get("outcome"):
            parts.append(data["outcome"])
        if data.get("since") or data.get("until"):
            parts.append(f"{data.get('since') or '最早'} 至 {data.get('until') or '今天'}")
        return "，".join(parts) or "全部条目"
