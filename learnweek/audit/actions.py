"""The events the audit log records, with the words the 审计管理员's page shows for them. An
action not listed here is refused by ``audit_record``: the catalogue is the log's vocabulary."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # Signing in and out
    "auth.sign_in": "登录",
    "auth.sign_in_failed": "登录失败",
    "auth.locked_out": "登录锁定",
    "auth.sign_out": "退出登录",
    "auth.session_expired": "会话超时",
    "auth.otp_failed": "动态口令错误",
    # Accounts
    "account.create": "创建账号",
    "account.import": "批量导入账号",
    "account.activate": "激活账号",
    "account.roles": "修改角色",
    "account.disable": "停用账号",
    "account.enable": "启用账号",
    "account.password_change": "修改密码",
    "account.password_reset": "重置密码",
    "account.otp_enrol": "绑定动态口令",
    "account.otp_reset": "重置动态口令",
    "account.duty_role": "分配三员角色",
    "account.delete": "注销账号",
    "security.settings": "修改安全设置",
    # Personal information
    "privacy.consent": "同意个人信息处理规则",
    "privacy.export": "导出个人数据",
    "privacy.publication_consent": "公开展示同意",
    "export.personal": "导出含个人信息的数据",
    # Business state changes
    "submission.submit": "报送",
    "submission.approve": "审核通过",
    "submission.return": "退回",
    "nomination.decide": "推荐审核",
    "activity.cancel": "取消活动",
    "object.delete": "删除",
    "object.restore": "恢复",
    # The log itself
    "audit.export": "导出审计日志",
    "audit.purge": "清理过期审计日志",
}

SUCCESS = "成功"
FAILURE = "失败"
