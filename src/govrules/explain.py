"""Chinese wording of verdicts: values as explanations show them, and the sentence around them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govrules.values import Duration, Missing, Run, Text

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
    "other": "其他",
    "abroad": "境外",
    "other_province": "外省",
    "same_province": "本省",
    "same_county": "本县",
    "unit": "单位",
    "internal_body": "内设机构",
    "individual": "个人",
    "regular": "常规",
    "special_event": "重大活动或专项工作",
    # unit.kind and unit.level
    "government": "政府",
    "department": "政府部门",
    "township_government": "乡镇人民政府",
    "township_department": "乡镇部门",
    "institution": "承担行政职能的事业单位",
    "classified": "涉密单位",
    "non_public": "不对外行使公共管理职能的部门",
    "province": "省级",
    "prefecture": "州市级",
    "county": "县级",
    "township": "乡镇级",
    # website.columns[].kind
    "news": "动态要闻类栏目",
    "notice": "通知公告类栏目",
    "policy": "政策文件类栏目",
    "monthly": "月度更新栏目",
    "quarterly": "季度更新栏目",
    "annual": "年度更新栏目",
    # events[].materials (路居镇制度第十四条、澄江市气象局制度第十七条)
    "registration_form": "《云南省政务新媒体备案登记表》",
    "meeting_minutes": "单位集体研究的会议纪要及主要领导签批",
    "staffing": "人员管理、设备配置使用情况",
    "review_mechanism": "信息发布审核机制",
    "security_operations": "安全运维情况",
    "map_usage": "地图使用情况",
    "name_and_design": "名称、实名认证、版面栏目设计情况",
    "outsourcing_agreement": "委托承办的权责及保密协议情况",
    "news_license": "互联网新闻信息服务或网络视听节目资质情况",
}

LIST_LIMIT = 12


def show(value: Any) -> str:
    """Return ``value`` as an explanation prints it."""
    kind = type(value)
    # The common values first, by their exact type: explanations print many dates.
    if kind is dt.date or kind is Run or kind is Duration:
        return str(value)
    if kind is str:
        text: str = value
        return ENUM_CHINESE.get(text, text)
    if isinstance(value, Missing):
        return "（未提供）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date | Duration | Run):
        return str(value)
    if isinstance(value, Text):
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
