"""Chinese wording of verdicts: values as explanations show them, and the sentence around them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govrules.values import Duration, Missing, Run

# Enumeration values of the facts vocabulary as a Chinese reader expects them.
ENUM_CHINESE = {
    "open": "开办",
    "change": "变更",
    "close": "关停",
    "cancel": "注销",
    "wechat": "微信",
    "weibo": "微博",
    "douyin": "抖音",
    "toutiao": "今日头条",
    "kuaishou": "快手",
    "app": "移动客户端",
    "mini_program": "小程序",
    "abroad": "境外",
    "other_province": "外省",
    "same_province": "本省",
    "same_county": "本县",
    "unit": "单位",
    "internal_body": "内设机构",
    "individual": "个人",
    "regular": "常规",
    "special_event": "重大活动或专项工作",
}

LIST_LIMIT = 12


def show(value: Any) -> str:
    """Return ``value`` as an explanation prints it."""
    if isinstance(value, Missing):
        return "（未提供）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date | Duration | Run):
        return str(value)
    if isinstance(value, str):
        return ENUM_CHINESE.get(value, value)
    if isinstance(value, tuple):
        if not value:
            return "无"
        shown = "、".join(show(v) for v in value[:LIST_LIMIT])
        if len(value) > LIST_LIMIT:
            shown += f"等共{len(value)}项"
        return shown
    if isinstance(value, dict):
        return "{…}"
    return str(value)
