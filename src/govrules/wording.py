"""Chinese names for reviewers: parameters, facts, levels, relations; expressions read aloud.

A diff is read by legal reviewers, not by policy authors: they should see 备案期限 and
单位类别为政府、政府部门, not ``filing_period`` and ``unit.kind in obliged_kinds``. Every
Chinese name a diff uses lives here, in one table per kind of name.
"""

from __future__ import annotations

from collections.abc import Mapping

from govrules import nodes as n
from govrules.compiler import literal_value
from govrules.explain import ENUM_CHINESE, show

# Every parameter of the bundled policies, by the meaning its cited article gives it. A
# test checks that none is missing, so a new parameter needs its Chinese name here.
PARAM_NAMES: Mapping[str, str] = {
    "announcement_period": "变更、关停、注销的公告期",
    "annual_interval": "年度更新栏目的更新间隔",
    "app_platforms": "应用系统类政务新媒体的平台",
    "app_server_regions": "本地数据服务应用系统服务器的允许所在地",
    "approved_platforms": "推定经核准的全国性平台",
    "disclosure_period": "信息公开期限",
    "filing_period": "备案期限",
    "monthly_interval": "月度更新栏目的更新间隔",
    "new_media_interval": "政务新媒体的更新间隔",
    "news_interval": "动态要闻类栏目的更新间隔",
    "notice_interval": "通知公告、政策文件类栏目的更新间隔",
    "notice_limit": "被通报次数上限",
    "objection_extended": "异议处理延长后的累计上限",
    "objection_period": "异议处理期限",
    "obliged_kinds": "负有开办义务的单位类别",
    "obliged_levels": "负有开办义务的单位层级",
    "offline_max": "临时下线的最长时间",
    "offline_per_year": "每年临时下线次数上限",
    "opening_materials": "开设须报备的材料",
    "original_interval": "原创信息的发布间隔",
    "other_interval": "其他栏目的更新间隔",
    "publication_date": "公布之日",
    "quarterly_interval": "季度更新栏目的更新间隔",
    "transition_period": "补办备案期限",
}

# The roots a rule reads facts from, and the facts below them, as a reviewer names them.
ROOT_NAMES: Mapping[str, str] = {
    "unit": "单位",
    "account": "账号",
    "event": "事件",
    "post": "发布",
    "offline": "临时下线",
    "column": "栏目",
    "objection": "异议",
    "disclosure": "公开事项",
    "website": "网站",
    "period": "审查期",
    "accounts": "账号",
    "objections": "异议",
    "disclosures": "公开事项",
    "each": "",
}
FIELD_NAMES: Mapping[str, str] = {
    "kind": "类别",
    "level": "层级",
    "type": "类型",
    "date": "日期",
    "platform": "平台",
    "platform_approved": "平台经国家有关主管单位核准",
    "opened_by": "开办主体",
    "opened_on": "开办日期",
    "approved_on": "批准日期",
    "purpose": "用途",
    "collective_decision": "经单位集体研究",
    "leader_approved": "经主要领导同意",
    "name": "名称",
    "name_mentions_region": "名称含地名或机关名称",
    "name_approved": "名称经同级政府同意",
    "filed_on": "备案日期",
    "announced_on": "公告日期",
    "announced": "已发布公告",
    "approved": "经审批同意",
    "force_majeure": "因不可抗因素",
    "start": "开始日期",
    "end": "结束日期",
    "server_region": "服务器所在地",
    "foreign_hosting": "使用境外机构的服务器",
    "local_data_service": "提供本地本部门数据服务",
    "news_service": "从事互联网新闻信息服务",
    "news_license": "具备互联网新闻信息服务资质",
    "commercial_activity": "参与商业性、盈利性经营活动",
    "bought_followers": "购买“粉丝”等数据造假",
    "auto_login": "使用自动登录模式",
    "mobile_vpn": "移动终端经VPN认证登录",
    "mobile_login": "使用移动终端登录",
    "server_site_decided": "经主办单位集体研究指定服务器放置地点",
    "commercial_ads": "刊登商业广告或链接商业广告页面",
    "vertical_rules": "垂管单位上级主管单位另有规定",
    "staff_trained": "工作人员经培训上岗",
    "notices": "被通报次数",
    "own_website": "自有网站",
    "outsourced": "委托其他专门机构承办",
    "materials": "报备材料",
    "filed_national_system": "已在全国系统备案",
    "filed_city_system": "已在玉溪市系统备案",
    "events": "事件",
    "posts": "发布",
    "original": "原创",
    "repost": "转载",
    "source": "注明的来源",
    "updates": "更新日期",
    "columns": "栏目",
    "received_on": "收到日期",
    "resolved_on": "处理完毕日期",
    "extended": "延长处理期限",
    "extension_approved": "延长经批准",
    "formed_on": "形成日期",
    "published_on": "公开日期",
}
# Values the engine itself provides to every rule.
ENGINE_NAMES: Mapping[str, str] = {"on": "评价日", "in_force_from": "施行之日"}

# A rule set's level: the unit levels in the words explanations use, and the two levels only
# rule sets have.
LEVEL_NAMES: Mapping[str, str] = {
    **{level: ENUM_CHINESE[level] for level in ("province", "prefecture", "county", "township")},
    "town": "镇级",
    "bureau": "部门级",
}
RELATION_NAMES: Mapping[str, str] = {"adapts": "改写自", "within": "从属于"}
SUBJECT_NAMES: Mapping[str, str] = {
    "unit": "单位",
    "account": "账号",
    "event": "账号事件",
    "post": "发布",
    "website": "网站",
    "offline": "网站临时下线",
    "column": "网站栏目",
    "objection": "异议",
    "disclosure": "公开事项",
}

_COMPARISONS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_FUNCTIONS = {
    "count": "{0}的数量",
    "year": "{0}的年份",
    "max": "{all}中最晚者",
    "min": "{all}中最早者",
    "days_between": "{0}至{1}的天数",
    "workdays_between": "{0}至{1}的工作日数",
    "workdays_without": "{1}至{2}间{0}以外的工作日",
    "gaps": "{1}至{2}间{0}之间达{3}的空档",
    "without": "{0}中{1}以外者",
}


def param_name(name: str) -> str:
    """Return a parameter's Chinese name; an unnamed one is shown by its own name."""
    return PARAM_NAMES.get(name, f"参数 {name}")


def level_name(level: str) -> str:
    """Return a rule set's level in Chinese (省级, 县级, …)."""
    return LEVEL_NAMES.get(level, level)


def _path(expr: n.Expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(expr, n.Field):
        parts.append(expr.name)
        expr = expr.target
    if not isinstance(expr, n.Name):
        return None
    parts.append(expr.name)
    return list(reversed(parts))


def _fact(parts: list[str]) -> str:
    root, *rest = parts
    words = [ROOT_NAMES.get(root, root)]
    words += [FIELD_NAMES.get(p, p) for p in rest]
    return "".join(words) or parts[-1]


class Reader:
    """Reads rule expressions as Chinese phrases, showing parameters by their values."""

    def __init__(self, params: Mapping[str, n.Literal], lets: frozenset[str] = frozenset()):
        self.params = params
        self.lets = lets

    def read(self, expr: n.Expr) -> str:
        """Return ``expr`` as a Chinese phrase."""
        return self._read(expr, top=True)

    def conditions(self, exprs: tuple[n.Expr, ...] | None) -> str:
        """Return the lines of a ``when`` or ``require`` clause, joined by 且; none reads 无."""
        if not exprs:
            return "无"
        return "且".join(self._read(e, top=len(exprs) == 1) for e in exprs)

    def _value(self, expr: n.Expr) -> str:
        if isinstance(expr, n.Name):
            if expr.name in self.params:
                return show(literal_value(self.params[expr.name]))
            if expr.name in ENGINE_NAMES:
                return ENGINE_NAMES[expr.name]
            if expr.name in self.lets:
                return f"「{expr.name}」"
            if expr.name in ROOT_NAMES:
                return ROOT_NAMES[expr.name] or expr.name
            return ENUM_CHINESE.get(expr.name, expr.name)
        if isinstance(expr, n.String):
            return ENUM_CHINESE.get(expr.value, f"“{expr.value}”")
        if isinstance(expr, n.Number | n.Quantity | n.DateLit | n.Bool):
            return show(literal_value(expr))
        if isinstance(expr, n.ListLit):
            return "、".join(self._read(i, top=False) for i in expr.items)
        return self._read(expr, top=False)

    def _read(self, expr: n.Expr, top: bool) -> str:
        path = _path(expr) if isinstance(expr, n.Field) else None
        if path is not None:
            return _fact(path)
        if isinstance(expr, n.Binary):
            return self._binary(expr, top)
        if isinstance(expr, n.Unary):
            negated = _path(expr.operand) if expr.op == "not" else None
            if negated is not None and len(negated) >= 2:
                # 临时下线并非因不可抗因素 reads better than 并非临时下线因不可抗因素.
                return f"{_fact(negated[:-1])}并非{FIELD_NAMES.get(negated[-1], negated[-1])}"
            inner = self._read(expr.operand, top=False)
            return {
                "not": f"并非{inner}",
                "is missing": f"{inner}未提供",
                "is present": f"{inner}已提供",
                "is empty": f"{inner}为空",
            }.get(expr.op, f"{expr.op} {inner}")
        if isinstance(expr, n.Call):
            args = [self._value(a) for a in expr.args]
            pattern = _FUNCTIONS.get(expr.function)
            if pattern is None or ("{all}" not in pattern and len(args) < pattern.count("{")):
                return f"{expr.function}（{'，'.join(args)}）"
            return pattern.format(*args, all="、".join(args))
        return self._value(expr)

    def _binary(self, expr: n.Binary, top: bool) -> str:
        op = expr.op
        if op in ("and", "or"):
            left = self._joined(expr.left, op)
            right = self._joined(expr.right, op)
            text = f"{left}且{right}" if op == "and" else f"{left}，或{right}"
            return text if top else f"（{text}）"
        left, right = self._value(expr.left), self._value(expr.right)
        if op in ("==", "in"):
            return f"{left}为{right}"
        if op in ("!=", "not in"):
            return f"{left}不为{right}"
        if op == "where":
            return f"{left}中{self._read(expr.right, top=True)}者"
        if op in ("+", "-"):
            return f"{left}{'加' if op == '+' else '减'}{right}"
        return f"{left} {_COMPARISONS.get(op, op)} {right}"

    def _joined(self, expr: n.Expr, op: str) -> str:
        # A chain of the same operator reads without brackets: a且b且c.
        if isinstance(expr, n.Binary) and expr.op == op:
            return self._binary(expr, top=True)
        return self._read(expr, top=False)
