"""Semantic checks of parsed policies: every diagnostic, sorted, with a hint where one helps.

``CHECKS`` is a plain tuple of functions run in order; each takes the check context and one
policy and yields PolicyError diagnostics (``severity`` "error" or "warning").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from govrules import facts as vocab
from govrules import nodes as n
from govrules.citation_numbers import unsupported
from govrules.compiler import ENGINE_NAMES, PLACEHOLDER
from govrules.errors import PolicyError
from govrules.facts import GLOBAL_ROOTS, SUBJECTS
from govrules.functions import FUNCTIONS
from govrules.layers import Repealed, RuleSet, resolve, shared_scope, unused_params
from govrules.source import Span
from govrules.subordination import relaxed_overrides, relaxed_params
from govrules.texts import ARTICLE_LABEL, Document, label, to_chinese_numeral

LEVELS = ("province", "prefecture", "county", "town", "bureau")
REQUIRED_HEADER = ("title", "issuer", "level", "jurisdiction", "effective", "text")
HEADER_HINTS = {
    "title": 'add `title "《…》"`, the document\'s title as printed',
    "issuer": 'add `issuer "…"`, the office that issued the document',
    "level": "add `level …`, one of " + ", ".join(LEVELS),
    "jurisdiction": 'add `jurisdiction "…"`, the area the document governs',
    "effective": "add `effective YYYY-MM-DD`, or `effective unknown` if the text gives no date",
    "text": 'add `text "texts/….txt"`, the source text that the citations point into',
}


def _all_enum_values(field: vocab.Field) -> set[str]:
    out = set(field.values)
    for child in field.fields:
        out |= _all_enum_values(child)
    return out


ENUM_VALUES = frozenset(_all_enum_values(vocab.SCHEMA))


@attrs.frozen
class Context:
    """What checks may consult besides the policy: the other policies and the source texts."""

    policies: Mapping[str, n.Policy]
    documents: Mapping[str, Document | None]
    refused: frozenset[str] = frozenset()  # rule sets whose text the loader refused to read
    definitions: Mapping[str, n.Policy] = attrs.field(factory=dict)  # shared definition files
    cache: dict[object, object] = attrs.field(factory=dict, eq=False, repr=False)


def diagnostic(
    policy: n.Policy,
    span: Span,
    message: str,
    hint: str | None = None,
    severity: str = "error",
) -> PolicyError:
    """Return a PolicyError pointing at ``span`` of the policy's source."""
    width = span.end_column - span.column if span.end_line == span.line else 1
    return PolicyError(
        message,
        path=span.path,
        line=span.line,
        column=span.column,
        source_line=policy.source.line(span.line),
        width=width,
        hint=hint,
        severity=severity,
    )


def _did_you_mean(name: str, candidates: Any) -> str | None:
    close = vocab.suggest(name, candidates)
    return f"did you mean '{close}'?" if close else None


# --- the base chain ---------------------------------------------------------------------


def base_chain(ctx: Context, policy: n.Policy) -> list[n.Policy]:
    """Return the policy's bases, nearest first, stopping at a cycle or an unknown id."""
    chain: list[n.Policy] = []
    seen = {policy.id}
    current = policy
    while current.header.relation is not None:
        base_id = current.header.relation[1]
        base = ctx.policies.get(base_id)
        if base is None or base_id in seen:
            break
        chain.append(base)
        seen.add(base_id)
        current = base
    return chain


def resolved_base(ctx: Context, policy: n.Policy) -> RuleSet | None:
    """Return the policy's base as the layers resolve it, or None if it cannot be resolved.

    Checks judge a layer against what its base actually puts in force, merged through every
    layer by the one merge of ``layers``, never against a second derivation of inheritance.
    """
    rel = policy.header.relation
    if rel is None or rel[1] not in ctx.policies or rel[1] == policy.id:
        return None
    chain = base_chain(ctx, policy)
    if any(p.id == policy.id for p in chain):
        return None  # a cycle: reported by check_base
    last = chain[-1] if chain else None
    if last is not None and last.header.relation is not None:
        return None  # the chain ends at an unknown base or a cycle: reported by check_base
    key = ("resolved", rel[1])
    if key not in ctx.cache:
        ctx.cache[key] = resolve(ctx.policies, rel[1], ctx.definitions)
    found = ctx.cache[key]
    return found if isinstance(found, RuleSet) else None


def inherited_rules(ctx: Context, policy: n.Policy) -> dict[str, tuple[n.Rule, n.Policy]]:
    """Return the rules a policy's base puts in force by name, with the policy defining each.

    Each rule is the base's resolved version: merged through every layer that overrode it.
    """
    base = resolved_base(ctx, policy)
    if base is None:
        return {}
    return {
        ob.id: (ob.latest.rule, ctx.policies[ob.versions[0].measure.id])
        for ob in base.obligations
        if ob.versions[0].measure.id in ctx.policies
    }


def inherited_params(ctx: Context, policy: n.Policy) -> dict[str, n.Param]:
    """Return the parameters in force in the policy's base by name."""
    out: dict[str, n.Param] = {}
    for base in reversed(base_chain(ctx, policy)):
        for p in base.params:
            out[p.name] = p
    return out


# --- checks -------------------------------------------------------------------------------


def check_header(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """The header names the document, its level, dates and source text."""
    h = policy.header
    for key in REQUIRED_HEADER:
        if h.get(key) is None:
            yield diagnostic(
                policy,
                h.span,
                f"rule set '{h.id}' has no '{key}' in its header",
                hint=HEADER_HINTS[key],
            )
    level = h.get("level")
    if level is not None and level.value not in LEVELS:
        yield diagnostic(
            policy,
            level.span,
            f"unknown level '{level.value}'",
            hint=_did_you_mean(str(level.value), LEVELS) or "levels: " + ", ".join(LEVELS),
        )
    relations = [f for f in h.fields if f.key in ("adapts", "within")]
    for extra in relations[1:]:
        first = relations[0]
        yield diagnostic(
            policy,
            extra.span,
            f"a second base '{extra.value}': rule set '{h.id}' already has "
            f"`{first.key} {first.value}` (line {first.span.line})",
            hint="a rule set either adapts one base or is within one; keep one of the lines",
        )
    seen: dict[str, n.HeaderField] = {}
    for f in h.fields:
        if f.key in ("note", "adapts", "within", "uses"):
            continue
        if f.key in seen:
            yield diagnostic(
                policy,
                f.span,
                f"'{f.key}' is given twice in the header of rule set '{h.id}'",
                hint=f"the first is on line {seen[f.key].span.line}; keep one",
            )
        else:
            seen[f.key] = f
    stem = policy.source.path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".rules")
    if stem != h.id and not policy.source.path.startswith("<"):
        yield diagnostic(
            policy,
            h.span,
            f"rule set '{h.id}' is in a file named '{stem}.rules'",
            hint=f"name the file '{h.id}.rules' so that it can be found by its id",
            severity="warning",
        )


def check_base(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """The base exists and the chain of bases has no cycle."""
    rel = policy.header.relation
    if rel is None:
        return
    _kind, base_id, span = rel
    if base_id not in ctx.policies:
        yield diagnostic(
            policy,
            span,
            f"unknown base rule set '{base_id}'",
            hint=_did_you_mean(base_id, ctx.policies) or "rule sets: " + ", ".join(ctx.policies),
        )
        return
    seen = [policy.id]
    current = ctx.policies[base_id]
    while True:
        if current.id in seen:
            cycle = " -> ".join([*seen, current.id])
            yield diagnostic(
                policy,
                span,
                f"the bases form a cycle: {cycle}",
                hint="a rule set cannot build on itself, directly or through its bases",
            )
            return
        seen.append(current.id)
        nxt = current.header.relation
        if nxt is None or nxt[1] not in ctx.policies:
            return
        current = ctx.policies[nxt[1]]


def check_duplicates(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Rule, parameter, let, repeal, renumbering and example names are each defined once."""
    first_rule: dict[str, n.Rule] = {}
    for rule in policy.rules:
        prior = first_rule.setdefault(rule.name, rule)
        if prior is rule:
            continue
        line = prior.name_span.line
        if rule.override == prior.override:
            kind = "override" if rule.override else "rule"
            message = f"{kind} '{rule.name}' is defined twice"
            hint = f"the first definition is on line {line}; merge them or rename one"
        else:
            message = f"'{rule.name}' is both defined and overridden in rule set '{policy.id}'"
            hint = f"the other is on line {line}; a rule set overrides only its base's rules"
        yield diagnostic(policy, rule.name_span, message, hint=hint)
    groups: list[tuple[str, list[tuple[str, Span]]]] = [
        ("parameter '{}' is defined twice", [(p.name, p.span) for p in policy.params]),
        ("'{}' is repealed twice", [(r.name, r.span) for r in policy.repeals]),
        ('example "{}" is defined twice', [(e.name, e.span) for e in policy.examples]),
        ("{} is renumbered twice", [(r.old.label, r.old.span) for r in policy.renumbers]),
    ]
    for rule in policy.rules:
        groups.append(
            (
                f"let '{{}}' is defined twice in rule '{rule.name}'",
                [(x.name, x.span) for x in rule.lets],
            )
        )
    for template, named in groups:
        first: dict[str, Span] = {}
        for name, span in named:
            if name in first:
                yield diagnostic(
                    policy,
                    span,
                    template.format(name),
                    hint=f"the first is on line {first[name].line}; keep one",
                )
            else:
                first[name] = span


def _repealed_in_base(ctx: Context, policy: n.Policy) -> dict[str, Repealed]:
    """Return the rules the base chain repealed, by name."""
    base = resolved_base(ctx, policy)
    return {} if base is None else {r.obligation: r for r in base.repealed}


def _repealed_diagnostic(policy: n.Policy, span: Span, name: str, rep: Repealed) -> PolicyError:
    where = "、".join(c.label for c in rep.version.cites)
    return diagnostic(
        policy,
        span,
        f"rule '{name}' was repealed by '{rep.measure}' ({rep.span.path}:{rep.span.line}; "
        f"it was {rep.version.measure.id} {where}): {rep.reason}",
        hint=f"a layer cannot change or drop what its base repealed; write a new rule if "
        f"'{policy.id}' imposes the duty itself",
    )


def check_unused_params(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """A parameter that no rule and no presumption reads is reported: it encodes nothing."""
    if policy.id not in ctx.policies or not policy.params:
        return
    try:
        ruleset = resolve(ctx.policies, policy.id, ctx.definitions)
    except (KeyError, RecursionError):  # a broken chain: reported by check_base
        return
    for p in unused_params(ruleset, policy):
        yield diagnostic(
            policy,
            p.span,
            f"parameter '{p.name}' is read by no rule",
            hint="use it in a rule, or remove it; `coverage` does not count its article as encoded",
            severity="warning",
        )


def check_layering(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Overrides and repeals name base rules; new rules do not shadow them; within cannot repeal."""
    rel = policy.header.relation
    inherited = inherited_rules(ctx, policy)
    if rel is None:
        for rule in policy.rules:
            if rule.override:
                yield diagnostic(
                    policy,
                    rule.name_span,
                    f"override of '{rule.name}', but rule set '{policy.id}' has no base",
                    hint="declare `adapts ID` or `within ID` in the header, or write `rule`",
                )
        for repeal in policy.repeals:
            yield diagnostic(
                policy,
                repeal.span,
                f"repeal of '{repeal.name}', but rule set '{policy.id}' has no base",
                hint="repeal drops a rule of the base named by `adapts ID` in the header",
            )
        for ren in policy.renumbers:
            yield diagnostic(
                policy,
                ren.old.span,
                f"renumber of {ren.old.label}, but rule set '{policy.id}' has no base",
                hint="renumber maps an article of the base named by `adapts ID` in the header",
            )
        return
    kind, base_id, _ = rel
    if base_id not in ctx.policies:
        return
    overridden = {r.name: r for r in policy.rules if r.override}
    repealed = _repealed_in_base(ctx, policy)
    for rule in policy.rules:
        if rule.override and rule.name not in inherited and rule.name in repealed:
            yield _repealed_diagnostic(policy, rule.name_span, rule.name, repealed[rule.name])
        elif rule.override and rule.name not in inherited:
            yield diagnostic(
                policy,
                rule.name_span,
                f"unknown rule '{rule.name}' in base '{base_id}'",
                hint=_did_you_mean(rule.name, [*inherited, *repealed]),
            )
        elif not rule.override and rule.name in inherited and rule.name not in overridden:
            _, owner = inherited[rule.name]
            yield diagnostic(
                policy,
                rule.name_span,
                f"rule '{rule.name}' is already defined in '{owner.id}', a base of '{policy.id}'",
                hint=f"write `override {rule.name} {{ … }}` to change it, or give the new "
                "rule another name",
            )
        elif rule.override and rule.subject is not None:
            base_rule = inherited[rule.name][0]
            if rule.subject != base_rule.subject:
                yield diagnostic(
                    policy,
                    rule.subject_span or rule.name_span,
                    f"an override cannot change the subject of '{rule.name}' "
                    f"from '{base_rule.subject}' to '{rule.subject}'",
                    hint="write a new rule for another subject",
                )
    for repeal in policy.repeals:
        if repeal.name in repealed and repeal.name not in inherited:
            yield _repealed_diagnostic(policy, repeal.span, repeal.name, repealed[repeal.name])
            continue
        if repeal.name not in inherited:
            yield diagnostic(
                policy,
                repeal.span,
                f"unknown rule '{repeal.name}' in base '{base_id}'",
                hint=_did_you_mean(repeal.name, inherited),
            )
            continue
        if repeal.name in overridden:
            line = overridden[repeal.name].name_span.line
            yield diagnostic(
                policy,
                repeal.span,
                f"'{repeal.name}' is both overridden (line {line}) and repealed",
                hint="keep the override to change the rule, or the repeal to drop it",
            )
        if kind == "within":
            base_rule, owner = inherited[repeal.name]
            # The child's article is its `cites`, or else an article named in the reason.
            own = "、".join(c.label for c in repeal.cites) or "、".join(
                ARTICLE_LABEL.findall(repeal.reason)
            )
            lifter = f": {_articles(policy, ())}{own}" if own else " and"
            where = "、".join(c.label for c in base_rule.cites or ()) or "its article"
            yield diagnostic(
                policy,
                repeal.span,
                f"'{policy.id}' is within '{base_id}'{lifter} cannot lift the obligation "
                f"'{repeal.name}' ({owner.id} {where})",
                hint="a subordinate measure may add or tighten obligations, not repeal them",
            )
    if kind == "within":
        for ren in policy.renumbers:
            yield diagnostic(
                policy,
                ren.old.span,
                f"'{policy.id}' is within '{base_id}', whose {ren.old.label} keeps its number: "
                "renumber is for a rule set that adapts its base",
                hint=f"to cite {ren.new.label} of '{policy.id}' as well, override the rule "
                f"with `cites {ren.new.label}`",
            )
        return
    mapping = {r.old.article for r in policy.renumbers}
    own_repeals = {r.name for r in policy.repeals}
    for name, (rule, owner) in inherited.items():
        if name in own_repeals:
            continue
        override = next((r for r in policy.rules if r.override and r.name == name), None)
        if override is not None and override.cites is not None:
            continue
        if any(p.cites and p.name in n.names_in(rule) for p in policy.params):
            continue  # the child's own parameter, with its citation, governs this rule
        for cite in rule.cites or ():
            if cite.article not in mapping:
                span = override.name_span if override is not None else policy.header.span
                yield diagnostic(
                    policy,
                    span,
                    f"'{policy.id}' adapts '{owner.id}' but says nothing of {cite.label}, "
                    f"which the inherited rule '{name}' cites",
                    hint=f"add `renumber {cite.label} as 第…条`, override '{name}' with its own "
                    f'`cites`, or `repeal {name} because "…"`',
                )


def _articles(policy: n.Policy, cites: tuple[n.Citation, ...] | None) -> str:
    """Return the cited articles with the document's title: 《…》第十七条第一款."""
    title = str(policy.header.value("title") or f"'{policy.id}'")
    labels = "、".join(c.label for c in cites or ())
    return f"{title}{labels}" if labels else title


def check_rules(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """A new rule has a subject, a citation and a requirement."""
    for rule in policy.rules:
        if rule.subject is not None and rule.subject not in SUBJECTS:
            yield diagnostic(
                policy,
                rule.subject_span or rule.name_span,
                f"unknown subject '{rule.subject}'",
                hint=_did_you_mean(rule.subject, SUBJECTS) or "subjects: " + ", ".join(SUBJECTS),
            )
        if rule.override:
            continue
        for clause, value, hint in (
            ("subject", rule.subject, "add `subject …`, one of " + ", ".join(SUBJECTS)),
            ("cites", rule.cites, "add `cites 第…条`, the article that imposes the obligation"),
            ("require", rule.requires, "add `require …`, what a compliant subject satisfies"),
        ):
            if value is None:
                yield diagnostic(
                    policy, rule.name_span, f"rule '{rule.name}' has no '{clause}'", hint=hint
                )
        if rule.explain is None:
            yield diagnostic(
                policy,
                rule.name_span,
                f"rule '{rule.name}' has no 'explain' template",
                hint='verdicts explain themselves with it; add `explain "…{name}…"`',
                severity="warning",
            )


# --- expression types --------------------------------------------------------------------


@attrs.frozen
class Ty:
    """The static type of an expression, enough to check fact paths and enumeration values."""

    kind: str  # object list date int bool str enum duration run literal any
    schema: vocab.Field | None = None
    item: Ty | None = None
    label: str = ""


ANY = Ty("any")

# The kinds of Ty as messages name them.
KIND_WORDS = {
    "object": "an object",
    "list": "a list",
    "date": "a date",
    "int": "a number",
    "bool": "true or false",
    "str": "a string",
    "enum": "a value from a fixed list",
    "duration": "a duration",
    "run": "a run of days",
    "literal": "a bare name",
    "any": "a value",
}


def _described(ty: Ty) -> str:
    """Return "account.name (a string)", or just "a number" for an unnamed value."""
    kind = KIND_WORDS.get(ty.kind, ty.kind)
    return f"{ty.label} ({kind})" if ty.label else kind


def _is_a(ty: Ty) -> str:
    """Return "account.name is a string" for a typed expression."""
    return f"{ty.label or 'this'} is {KIND_WORDS.get(ty.kind, ty.kind)}"


def _of_field(f: vocab.Field, label: str) -> Ty:
    if f.kind == "object":
        return Ty("object", f, label=label)
    if f.kind == "list":
        if f.fields:
            return Ty("list", item=Ty("object", f, label=label + "[]"), label=label)
        return Ty("list", item=Ty(f.item or "any", label=label + "[]"), label=label)
    return Ty(f.kind, f, label=label)


def _literal_ty(lit: n.Expr) -> Ty:
    if isinstance(lit, n.Quantity):
        return Ty("duration")
    if isinstance(lit, n.Number):
        return Ty("int")
    if isinstance(lit, n.Bool):
        return Ty("bool")
    if isinstance(lit, n.DateLit):
        return Ty("date")
    if isinstance(lit, n.String):
        return Ty("str")
    if isinstance(lit, n.Name):
        return Ty("literal", label=lit.name)
    if isinstance(lit, n.ListLit):
        return Ty("list", item=_literal_ty(lit.items[0]) if lit.items else ANY)
    return ANY


class Typer:
    """Infers types through a rule's expressions and reports what cannot be right."""

    def __init__(
        self,
        policy: n.Policy,
        scope: dict[str, Ty],
        params: Mapping[str, n.Param],
        definitions: Mapping[str, n.Define] | None = None,
    ):
        self.policy = policy
        self.scope = scope
        self.params = params
        self.definitions = definitions or {}
        self.errors: list[PolicyError] = []
        self._calling: list[str] = []

    def error(self, span: Span, message: str, hint: str | None = None) -> Ty:
        self.errors.append(diagnostic(self.policy, span, message, hint))
        return ANY

    def name(self, e: n.Name) -> Ty:
        if e.name in self.scope:
            return self.scope[e.name]
        if e.name in self.params:
            return _literal_ty(self.params[e.name].value)
        if e.name in ENUM_VALUES:
            return Ty("literal", label=e.name)
        candidates = [*self.scope, *self.params, *ENUM_VALUES]
        return self.error(
            e.span,
            f"unknown name '{e.name}'",
            _did_you_mean(e.name, candidates)
            or "names here: " + ", ".join(sorted(self.scope)) + ", and the rule set's parameters",
        )

    def infer(self, e: n.Expr) -> Ty:
        if isinstance(e, n.Name):
            return self.name(e)
        if isinstance(e, n.Field):
            target = self.infer(e.target)
            return self.field(target, e)
        if isinstance(e, n.Number | n.Quantity | n.Bool | n.DateLit | n.String):
            return _literal_ty(e)
        if isinstance(e, n.ListLit):
            items = [self.infer(i) for i in e.items]
            return Ty("list", item=items[0] if items else ANY)
        if isinstance(e, n.Call):
            return self.call(e)
        if isinstance(e, n.Unary):
            operand = self.infer(e.operand)
            if e.op == "is empty" and operand.kind not in ("list", "any"):
                self.error(
                    e.span,
                    f"'is empty' tests a list, and {_is_a(operand)}",
                    "`is missing` tests whether a fact is given at all",
                )
            return Ty("bool")
        if isinstance(e, n.Presumed):
            return self.infer(e.fact)
        return self.binary(e)

    def field(self, target: Ty, e: n.Field) -> Ty:
        if target.kind == "any":
            return ANY
        holder = target.item if target.kind == "list" and target.item else target
        if holder.kind == "object" and holder.schema is not None:
            child = holder.schema.child(e.name)
            if child is None:
                names = [f.name for f in holder.schema.fields]
                return self.error(
                    e.span,
                    f"unknown fact '{e.name}' of {holder.label or 'this object'}",
                    _did_you_mean(e.name, names) or "facts here: " + ", ".join(names),
                )
            ty = _of_field(child, f"{holder.label}.{e.name}")
            if target.kind == "list":
                return Ty("list", item=ty.item if ty.kind == "list" else ty, label=ty.label)
            return ty
        fn = FUNCTIONS.get(e.name)
        hint = None
        if fn is not None and fn.min_args == 1 and target.label:
            hint = f"to get {fn.doc}, write {e.name}({target.label})"
        return self.error(e.span, f"{_is_a(target)} and has no fact '{e.name}'", hint)

    def call(self, e: n.Call) -> Ty:
        if e.function in self.definitions:
            return self.call_definition(e, self.definitions[e.function])
        fn = FUNCTIONS.get(e.function)
        args = [self.infer(a) for a in e.args]
        if fn is None:
            known = [*FUNCTIONS, *self.definitions]
            return self.error(
                e.span,
                f"unknown function '{e.function}'",
                _did_you_mean(e.function, known) or "functions: " + ", ".join(known),
            )
        for i, (arg, ty) in enumerate(zip(e.args[: fn.max_args], args, strict=False)):
            want = fn.arg_kind(i)
            if want in ("list", "date", "duration") and ty.kind not in (want, "any"):
                place = "first" if i == 0 else f"as argument {i + 1}"
                self.error(
                    arg.span,
                    f"'{e.function}' takes {KIND_WORDS[want]} {place}, "
                    f"and this is {_described(ty)}",
                    "a list is a fact such as account.posts, or a filtered one: "
                    "`account.posts where each.original`"
                    if want == "list"
                    else f"{e.function}(…): {fn.doc}",
                )
        if not fn.min_args <= len(args) <= fn.max_args:
            want = (
                str(fn.min_args)
                if fn.min_args == fn.max_args
                else f"{fn.min_args} to {fn.max_args}"
            )
            plural = "" if want == "1" else "s"
            self.error(
                e.span,
                f"'{e.function}' takes {want} argument{plural}, found {len(args)}",
                f"{e.function}(…): {fn.doc}",
            )
        if fn.result == "int":
            return Ty("int")
        if fn.result == "date":
            return Ty("date")
        if fn.result == "bool":
            return Ty("bool")
        if fn.result.startswith("list<"):
            return Ty("list", item=Ty(fn.result[5:-1]))
        if fn.result == "like-first" and args:
            return args[0]
        if fn.result == "extreme" and args:
            if len(args) == 1 and args[0].kind == "list":
                return args[0].item or ANY
            typed = [a for a in args if a.kind != "any"]
            return typed[0] if typed else ANY
        return ANY

    def call_definition(self, e: n.Call, d: n.Define) -> Ty:
        """Return the type of a definition's value for the arguments given."""
        args = [self.infer(a) for a in e.args]
        if len(args) != len(d.params):
            return self.error(
                e.span,
                f"'{d.name}' takes {len(d.params)} argument{'s' if len(d.params) != 1 else ''}"
                f" ({', '.join(d.params)}), found {len(args)}",
            )
        if d.name in self._calling or d.value is None:
            return ANY  # a definition that calls itself is reported where it is defined
        saved = self.scope
        self.scope = {
            **{k: v for k, v in saved.items() if k in ENGINE_NAMES},
            **dict(zip(d.params, args, strict=True)),
        }
        self._calling.append(d.name)
        errors = len(self.errors)
        ty = self.infer(d.value)
        # A definition that fails for these arguments is the caller's mistake: point there.
        for i in range(errors, len(self.errors)):
            bad = self.errors[i]
            self.errors[i] = diagnostic(
                self.policy, e.span, f"in '{d.name}': {bad.message}", bad.hint
            )
        self._calling.pop()
        self.scope = saved
        return ty

    def binary(self, e: n.Binary) -> Ty:
        if e.op == "where":
            coll = self.infer(e.left)
            if coll.kind not in ("list", "any"):
                self.error(e.left.span, f"'where' filters a list, and {_is_a(coll)}")
                coll = ANY  # reported once, here, not again by whatever uses the result
            saved = self.scope.get("each")
            self.scope["each"] = coll.item or ANY if coll.kind == "list" else ANY
            self.infer(e.right)
            if saved is None:
                del self.scope["each"]
            else:
                self.scope["each"] = saved
            return coll
        left = self.infer(e.left)
        if left.kind == "enum" and e.op in ("==", "!=", "in", "not in") and self._bare(e.right):
            # Bare names compared with an enumerated fact are its values: `_enum_match`
            # reports a wrong one once, as a value, not also as an unknown name.
            right = Ty("literal") if isinstance(e.right, n.Name) else Ty("list", item=Ty("literal"))
        else:
            right = self.infer(e.right)
        if e.op in ("==", "!=", "<", "<=", ">", ">="):
            self._comparable(e, left, right)
        if e.op in ("==", "!=") or e.op in ("in", "not in"):
            values = right.item if e.op in ("in", "not in") and right.item else right
            self._enum_match(left, values, e.right)
            return Ty("bool")
        if e.op in ("+", "-"):
            if left.kind == "date" and right.kind not in ("duration", "any"):
                return self.error(
                    e.span,
                    f"a date {e.op} {_described(right)}: only a duration can move a date",
                    "write the unit: `+ 7 workdays`, `+ 14 days`, `+ 6 months`",
                )
            if left.kind == "date" and right.kind == "duration":
                return Ty("date")
            return left
        return Ty("bool")

    def _bare(self, expr: n.Expr) -> bool:
        """Return whether ``expr`` is a bare name, or a list of them, bound to nothing."""
        items = expr.items if isinstance(expr, n.ListLit) else (expr,)
        return bool(items) and all(
            isinstance(i, n.Name) and i.name not in self.scope and i.name not in self.params
            for i in items
        )

    def _comparable(self, e: n.Binary, left: Ty, right: Ty) -> None:
        textual = {"enum", "literal", "str"}
        kinds = {left.kind, right.kind}
        if "any" in kinds or len(kinds) == 1 or kinds <= textual:
            return
        hint = None
        if isinstance(e.right, n.Name) and right.kind == "object" and left.kind in textual:
            name = e.right.name
            hint = f"'{name}' names the {name} facts here; write \"{name}\" for the value"
        self.error(e.span, f"cannot compare {_described(left)} with {_described(right)}", hint)

    def _enum_match(self, field: Ty, literal: Ty, expr: n.Expr) -> None:
        if field.kind != "enum" or field.schema is None:
            return
        allowed = field.schema.values
        if isinstance(expr, n.Name) and expr.name not in self.scope and expr.name in self.params:
            expr = self.params[expr.name].value
        exprs = expr.items if isinstance(expr, n.ListLit) else (expr,)
        for item in exprs:
            if (
                isinstance(item, n.Name)
                and item.name not in self.scope
                and item.name in self.params
            ):
                item = self.params[item.name].value
            if isinstance(item, n.Name | n.String):
                value = item.name if isinstance(item, n.Name) else item.value
                if isinstance(item, n.Name) and (item.name in self.scope):
                    continue
                if value not in allowed:
                    self.error(
                        item.span,
                        f"'{value}' is not a value of {field.label}",
                        _did_you_mean(value, allowed) or "values: " + ", ".join(allowed),
                    )


def _scope(subject: str | None) -> dict[str, Ty]:
    scope = {
        root: _of_field(f, root)
        for root in ("unit", "period", "accounts", "website", "objections", "disclosures")
        if (f := vocab.SCHEMA.child(root)) is not None
    }
    scope["on"] = Ty("date", label="on")
    scope["in_force_from"] = Ty("date", label="in_force_from")
    found = SUBJECTS.get(subject or "")
    for root, path in found.binds if found is not None else ():
        f = vocab.field_at(path)
        assert f is not None
        scope[root] = Ty("object", f, label=root)
    return scope


RESERVED = frozenset(
    {
        *GLOBAL_ROOTS,
        "on",
        "in_force_from",
        "each",
        *(name for s in SUBJECTS.values() for name, _ in s.binds),
    }
)


def check_reserved_names(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Parameters and lets do not take the names of facts or of the engine's own values."""
    named: list[tuple[str, str, Span]] = [("parameter", p.name, p.span) for p in policy.params]
    for rule in policy.rules:
        named.extend(("let", x.name, x.span) for x in rule.lets)
    for what, name, span in named:
        if name in RESERVED:
            yield diagnostic(
                policy,
                span,
                f"{what} '{name}' has the name of a value the engine provides",
                hint=f"'{name}' already means something in every rule "
                f"({', '.join(sorted(RESERVED))}); choose another name",
            )


def check_expressions(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Names, fact paths, functions and enumeration values in rules all exist."""
    inherited = inherited_rules(ctx, policy)
    params = {**inherited_params(ctx, policy), **{p.name: p for p in policy.params}}
    defines, presumes = shared_scope([policy, *base_chain(ctx, policy)], ctx.definitions)
    yield from _check_presumptions(policy, presumes, params, defines)
    for p in policy.params:
        values = p.value.items if isinstance(p.value, n.ListLit) else (p.value,)
        for v in values:
            if isinstance(v, n.Name) and v.name not in ENUM_VALUES:
                yield diagnostic(
                    policy,
                    v.span,
                    f"'{v.name}' in parameter '{p.name}' is not a value of the facts vocabulary",
                    _did_you_mean(v.name, ENUM_VALUES)
                    or "bare names are the values listed in docs/facts.md; quote free text: "
                    f'"{v.name}"',
                )
            elif not isinstance(v, n.Number | n.Quantity | n.String | n.DateLit | n.Bool | n.Name):
                yield diagnostic(
                    policy,
                    v.span,
                    f"parameter '{p.name}' lists an expression, not a plain value",
                    hint="a parameter holds names, numbers, strings, dates and durations; "
                    "compute values in a rule's `let`",
                )
    for rule in policy.rules:
        subject = rule.subject
        lets = list(rule.lets)
        if rule.override and rule.name in inherited:
            base_rule = inherited[rule.name][0]
            subject = subject or base_rule.subject
            names = {x.name for x in rule.lets}
            lets = [x for x in base_rule.lets if x.name not in names] + lets
        if subject not in SUBJECTS:
            continue
        typer = Typer(policy, _scope(subject), params, defines)
        if rule.governing is not None:
            ty = typer.infer(rule.governing)
            if ty.kind not in ("date", "any"):
                typer.error(
                    rule.governing.span,
                    f"the governing date of rule '{rule.name}' must be a date, and {_is_a(ty)}",
                    "name the date of the act the rule judges, e.g. `governing event.date`",
                )
        for e in rule.when or ():
            _must_be_true_or_false(typer, typer.infer(e), e, "a `when` condition")
        own = {x.name for x in rule.lets}
        for let in lets:
            ty = typer.infer(let.expr) if let.name in own else _let_type(typer, let)
            typer.scope[let.name] = ty
        for e in rule.requires or ():
            _must_be_true_or_false(typer, typer.infer(e), e, "a requirement")
        _must_be_a_date(typer, rule.due, "the deadline (`due`)")
        for x in rule.exceptions or ():
            _must_be_true_or_false(typer, typer.infer(x.claim), x.claim, "an exception's claim")
            if x.require is not None:
                _must_be_true_or_false(
                    typer, typer.infer(x.require), x.require, "an exception's requirement"
                )
            _must_be_a_date(typer, x.due, "an exception's deadline")
        if rule.explain is not None:
            yield from _check_template(typer, rule.explain)
        yield from typer.errors


def _check_presumptions(
    policy: n.Policy,
    presumes: tuple[n.Presume, ...],
    params: Mapping[str, n.Param],
    defines: Mapping[str, n.Define],
) -> Iterator[PolicyError]:
    """A policy's own presumptions name a fact of a subject and give it a value of its kind."""
    for p in presumes:
        if p not in policy.presumes:
            continue  # a base's or a definition file's: checked where it is written
        target = p.target
        path = vocab.BINDING_PATHS.get(target[0]) if target is not None else None
        field = vocab.field_at((*path, target[1])) if path is not None and target else None
        if field is None or target is None:
            names = ", ".join(sorted(vocab.BINDING_PATHS))
            yield diagnostic(
                policy,
                p.fact.span,
                "a presumption names a fact of a subject, such as account.opened_by",
                hint=f"subjects: {names}; their facts are in docs/facts.md",
            )
            continue
        scope = _scope(
            next(
                s
                for s in SUBJECTS
                if s != "unit" and any(name == target[0] for name, _ in SUBJECTS[s].binds)
            )
        )
        typer = Typer(policy, scope, params, defines)
        got = typer.infer(p.value)
        want = _of_field(field, f"{target[0]}.{target[1]}")
        if got.kind not in (want.kind, "any") and not (
            want.kind == "enum" and got.kind == "literal"
        ):
            typer.error(
                p.value.span,
                f"{want.label} is {KIND_WORDS.get(want.kind, want.kind)}, and the presumed value "
                f"is {_described(got)}",
            )
        if want.kind == "enum" and isinstance(p.value, n.Name):
            typer._enum_match(want, got, p.value)
        yield from typer.errors


def _must_be_a_date(typer: Typer, e: n.Expr | None, what: str) -> None:
    if e is None:
        return
    ty = typer.infer(e)
    if ty.kind not in ("date", "any"):
        typer.error(
            e.span,
            f"{what} must be a date, and {_is_a(ty)}",
            "give the date by which the act is due, e.g. `due event.date + filing_period`",
        )


def _must_be_true_or_false(typer: Typer, ty: Ty, e: n.Expr, what: str) -> None:
    if ty.kind not in ("bool", "any"):
        typer.error(
            e.span,
            f"{what} must be true or false, and this is {_described(ty)}",
            "compare it: e.g. `count(…) >= 1`, `x is empty`, `a <= b`",
        )


def _let_type(typer: Typer, let: n.Let) -> Ty:
    quiet = Typer(typer.policy, dict(typer.scope), typer.params)
    return quiet.infer(let.expr)


def _check_template(typer: Typer, template: n.String) -> Iterator[PolicyError]:
    for m in re.finditer(r"\{([^{}]*)\}", template.value):
        span = template.span
        if not PLACEHOLDER.fullmatch(m[0]):
            tight = "{" + re.sub(r"\s+", "", m[1]) + "}"
            yield diagnostic(
                typer.policy,
                span,
                f"'{m[0]}' in the explanation is not a placeholder",
                hint=f"write {tight}, without spaces"
                if PLACEHOLDER.fullmatch(tight)
                else "placeholders are names or fact paths in braces, e.g. {deadline} or "
                "{event.filed_on}",
            )
            continue
        root, *keys = m[1].split(".")
        expr: n.Expr = n.Name(root, span)
        for key in keys:
            expr = n.Field(expr, key, span)
        typer.infer(expr)


def check_citations(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Every cited article, paragraph and item exists in the rule set's source text."""
    doc = ctx.documents.get(policy.id)
    if doc is None:
        text = policy.header.get("text")
        # A text the loader refused (outside the folder, unreadable) is reported there, once.
        if text is not None and policy.id not in ctx.refused:
            yield diagnostic(
                policy,
                text.span,
                f"source text '{text.value}' not found in the policy folder",
                hint="the path is relative to the folder holding the .rules file, "
                f'e.g. text "texts/{policy.id}.txt"',
            )
        return
    cites: list[n.Citation] = []
    for rule in policy.rules:
        cites.extend(rule.cites or ())
    for p in policy.params:
        cites.extend(p.cites)
    for rule in policy.rules:
        for x in rule.exceptions or ():
            cites.extend(x.cites)
    for u in policy.unchecked:
        cites.extend(u.articles)
    cites.extend(r.new for r in policy.renumbers)
    for repeal in policy.repeals:
        cites.extend(repeal.cites)
    for o in policy.overlaps:
        cites.extend(o.articles)
    for c in cites:
        yield from _check_citation(policy, doc, c)
    rel = policy.header.relation
    if rel is not None:
        base_doc = ctx.documents.get(rel[1])
        if base_doc is not None:
            for r in policy.renumbers:
                yield from _check_citation(policy, base_doc, r.old)


def _count(number: int, what: str) -> str:
    return f"{number} {what}" + ("" if number == 1 else "s")


def _check_citation(policy: n.Policy, doc: Document, c: n.Citation) -> Iterator[PolicyError]:
    title = policy.header.value("title") or f"the text of '{policy.id}'"
    if not doc.has(c.article):
        numbers = doc.numbers
        yield diagnostic(
            policy,
            c.span,
            f"{title} has no {c.label}",
            hint=f"its articles run from {label(numbers[0])} to {label(numbers[-1])}"
            if numbers and 0 < numbers[0] <= numbers[-1] <= 9999
            else None,
        )
        return
    article = doc.article(c.article)
    if c.paragraph is None and c.item is not None:
        # 第十四条第八项: an item of an article of one paragraph.
        if len(article.paragraphs) != 1:
            yield diagnostic(
                policy,
                c.span,
                f"{title}{article.label} has {_count(len(article.paragraphs), 'paragraph')}: "
                f"say which holds item (项) {c.item}",
                hint=f"write {article.label}第…款第{to_chinese_numeral(c.item)}项",
            )
            return
        c = attrs.evolve(c, paragraph=1)
    if c.paragraph is None:
        return
    if not 1 <= c.paragraph <= len(article.paragraphs):
        yield diagnostic(
            policy,
            c.span,
            f"{title}{article.label} has no paragraph (款) {c.paragraph}: "
            f"it has {_count(len(article.paragraphs), 'paragraph')}",
            hint=f"cite {article.label} alone if it has one paragraph"
            if len(article.paragraphs) == 1
            else None,
        )
        return
    items = article.paragraph(c.paragraph).items
    if c.item is not None and not 1 <= c.item <= len(items):
        where = f"{article.label}第{to_chinese_numeral(c.paragraph)}款"
        have = f"it has {_count(len(items), 'item')}" if items else "it has no items"
        yield diagnostic(policy, c.span, f"{title}{where} has no item (项) {c.item}: {have}")


def _shape(rule: n.Rule) -> tuple[Any, ...]:
    return (rule.subject, rule.when, rule.requires)


def check_same_obligation(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Two rules of one layer do not claim the same obligation (same subject, conditions, test)."""
    seen: dict[tuple[Any, ...], n.Rule] = {}
    for rule in policy.rules:
        if rule.override or rule.requires is None:
            continue
        key = _shape(rule)
        if key in seen and seen[key].name != rule.name:  # same name: check_duplicates says so
            yield diagnostic(
                policy,
                rule.name_span,
                f"rule '{rule.name}' claims the same obligation as '{seen[key].name}' "
                f"(line {seen[key].name_span.line}): same subject, conditions and requirement",
                hint="merge them into one rule that cites both articles",
            )
        else:
            seen[key] = rule


def check_examples(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Examples name rules that exist in the rule set they run against."""
    names = {r.name for r in policy.rules} | set(inherited_rules(ctx, policy))
    names -= {r.name for r in policy.repeals} if _adapts(policy) else set()
    for ex in policy.examples:
        if ex.jurisdiction is not None and ex.jurisdiction not in ctx.policies:
            yield diagnostic(
                policy,
                ex.span,
                f"example \"{ex.name}\" runs under unknown jurisdiction '{ex.jurisdiction}'",
                _did_you_mean(ex.jurisdiction, ctx.policies)
                or "rule sets: " + ", ".join(sorted(ctx.policies)),
            )
        if ex.jurisdiction not in (None, policy.id):
            continue
        if not ex.expects and ex.unused is None and ex.not_adopted is None:
            yield diagnostic(
                policy,
                ex.span,
                f'example "{ex.name}" expects nothing',
                'add a line `expect "accounts[0]" RULE OUTCOME` for each verdict it shows',
            )
        for exp in ex.expects:
            owner, _, bare = exp.rule.rpartition(".")
            if owner and owner not in ctx.policies:
                yield diagnostic(
                    policy,
                    exp.span,
                    f"example \"{ex.name}\" names rule set '{owner}', which is not loaded",
                    _did_you_mean(owner, ctx.policies),
                )
            elif bare not in names:
                yield diagnostic(
                    policy,
                    exp.span,
                    f"example \"{ex.name}\" expects a verdict of unknown rule '{exp.rule}'",
                    _did_you_mean(bare, names),
                )


def _adapts(policy: n.Policy) -> bool:
    rel = policy.header.relation
    return rel is not None and rel[0] == "adapts"


def check_own_citations(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """In a within layer, an override or a changed value cites the child's own article."""
    rel = policy.header.relation
    if rel is None or rel[0] != "within" or rel[1] not in ctx.policies:
        return
    for rule in policy.rules:
        if rule.override and rule.cites is None:
            yield diagnostic(
                policy,
                rule.name_span,
                f"override of '{rule.name}' in '{policy.id}' cites no article of "
                f"{_articles(policy, ())}",
                hint="a subordinate measure's version of an obligation rests on its own "
                "article: add `cites 第…条` (the base's article is cited after it)",
            )
    base_params = inherited_params(ctx, policy)
    for p in policy.params:
        base = base_params.get(p.name)
        if base is not None and base.value != p.value and not p.cites:
            yield diagnostic(
                policy,
                p.span,
                f"parameter '{p.name}' changes the value of '{rel[1]}' but cites no article "
                f"of {_articles(policy, ())}",
                hint="add `cites 第…条`: the article that sets the new value",
            )


def check_subordination(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """A within layer does not relax its base: no longer deadline, shorter minimum, wider set."""
    rel = policy.header.relation
    if rel is None or rel[0] != "within" or rel[1] not in ctx.policies:
        return
    base_id = rel[1]
    inherited = inherited_rules(ctx, policy)
    base_params = inherited_params(ctx, policy)
    owners = {name: owner for name, (_rule, owner) in inherited.items()}
    found = list(relaxed_params([r for r, _ in inherited.values()], base_params, policy))
    params = {**base_params, **{p.name: p for p in policy.params}}
    for rule in policy.rules:
        if rule.override and rule.name in inherited:
            found.extend(relaxed_overrides(inherited[rule.name][0], rule, params))
    resolved = resolved_base(ctx, policy)
    for relax in found:
        base_rule = relax.base_rule
        owner = owners.get(base_rule.name)
        base_where = _articles(owner, base_rule.cites) if owner else base_id
        ob = resolved.obligation(base_rule.name) if resolved is not None else None
        stated_by = ctx.policies.get(ob.latest.measure.id) if ob is not None else None
        if ob is not None and stated_by is not None:
            # The layer that states the value in force, with its own article (an adapting
            # layer renumbers and restates what it copied).
            base_where = _articles(stated_by, ob.latest.cites)
        child_cites: tuple[n.Citation, ...] = ()
        for p in policy.params:
            if relax.what == f"parameter '{p.name}'":
                child_cites = p.cites
        for r in policy.rules:
            if r.override and r.name == base_rule.name and r.cites:
                child_cites = child_cites or r.cites
        child_where = _articles(policy, child_cites)
        yield diagnostic(
            policy,
            relax.span,
            f"'{policy.id}' is within '{base_id}' and relaxes {relax.what} of rule "
            f"'{base_rule.name}': {relax.base_value} → {relax.child_value} "
            f"({child_where} against {base_where})",
            hint="a subordinate measure may tighten its base, not relax it; keep the base's "
            "value or a stricter one",
        )


def check_citation_numbers(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Every number of a value (7, 15, 30 …) appears in the text of the article it cites."""
    doc = ctx.documents.get(policy.id)
    if doc is None:
        return
    for p in policy.params:
        for amount, _labels in unsupported(doc, p.value, p.cites):
            yield diagnostic(
                policy,
                p.value.span,
                f"parameter '{p.name}' says {amount}, but {_articles(policy, p.cites)} "
                "does not state that number",
                hint=f"cite the article that says {amount}, or correct the value",
            )


def _event_types(rule: n.Rule) -> frozenset[str] | None:
    """Return the event types a rule's conditions limit it to, or None for all."""
    found: frozenset[str] | None = None
    for cond in rule.when or ():
        for node in n.walk(cond):
            if not (isinstance(node, n.Binary) and node.op in ("==", "in")):
                continue
            left = node.left
            if not (
                isinstance(left, n.Field)
                and left.name == "type"
                and isinstance(left.target, n.Name)
                and left.target.name == "event"
            ):
                continue
            items = node.right.items if isinstance(node.right, n.ListLit) else (node.right,)
            values = frozenset(
                i.name if isinstance(i, n.Name) else i.value
                for i in items
                if isinstance(i, n.Name | n.String)
            )
            found = values if found is None else found & values
    return found


def _facts_read(exprs: tuple[n.Expr, ...]) -> frozenset[str]:
    paths = set()
    for expr in exprs:
        for node in n.walk(expr):
            if isinstance(node, n.Field) and isinstance(node.target, n.Name):
                paths.add(f"{node.target.name}.{node.name}")
    return frozenset(paths)


def check_overlaps(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Articles that regulate the same act differently are reported, declared or not."""
    for o in policy.overlaps:
        labels = "、".join(c.label for c in o.articles)
        first, last = o.articles[0].span, o.articles[-1].span
        yield diagnostic(
            policy,
            Span(first.path, first.line, first.column, last.end_line, last.end_column),
            f"{_articles(policy, ())}{labels} regulate the same act differently; "
            "the rules apply the reading given after `because`",
            hint="the source contradicts itself here: a reviewer should confirm the reading",
            severity="warning",
        )
    declared = [frozenset(c.article for c in o.articles) for o in policy.overlaps]
    inherited = inherited_rules(ctx, policy)
    merged = []
    for rule in policy.rules:
        if rule.override and rule.name in inherited:
            base = inherited[rule.name][0]
            merged.append(
                attrs.evolve(
                    rule,
                    subject=rule.subject or base.subject,
                    when=rule.when if rule.when is not None else base.when,
                    requires=rule.requires if rule.requires is not None else base.requires,
                )
            )
        elif not rule.override:
            merged.append(rule)
    for i, a in enumerate(merged):
        for b in merged[i + 1 :]:
            if a.subject != b.subject or not a.requires or not b.requires:
                continue
            arts_a = {c.article for c in a.cites or ()}
            arts_b = {c.article for c in b.cites or ()}
            if not arts_a or not arts_b or arts_a & arts_b:
                continue
            facts_a, facts_b = _facts_read(a.requires), _facts_read(b.requires)
            if not facts_a or facts_a != facts_b or a.requires == b.requires:
                continue
            types_a, types_b = _event_types(a), _event_types(b)
            if types_a is not None and types_b is not None and not types_a & types_b:
                continue
            if any(arts_a | arts_b <= d for d in declared):
                continue
            yield diagnostic(
                policy,
                b.name_span,
                f"rules '{a.name}' and '{b.name}' judge the same facts "
                f"({', '.join(sorted(facts_a))}) differently for the same acts, "
                f"citing {_articles(policy, a.cites)} and {_articles(policy, b.cites)}",
                hint="if the text contradicts itself, choose a reading and declare it: "
                'overlap 第…条, 第…条 because "…"',
                severity="warning",
            )


CHECKS: tuple[Callable[[Context, n.Policy], Iterator[PolicyError]], ...] = (
    check_header,
    check_base,
    check_duplicates,
    check_layering,
    check_rules,
    check_reserved_names,
    check_expressions,
    check_citations,
    check_same_obligation,
    check_examples,
    check_own_citations,
    check_subordination,
    check_citation_numbers,
    check_overlaps,
)


def check_definitions(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Definitions are complete and not circular; `uses` names a definitions file that exists."""
    for f in policy.header.uses:
        if str(f.value) not in ctx.definitions:
            yield diagnostic(
                policy,
                f.span,
                f"unknown definitions file '{f.value}'",
                hint=_did_you_mean(str(f.value), ctx.definitions)
                or "a definitions file begins `definitions NAME {` and lies in the policy folder",
            )
    names = {d.name for d in policy.defines}
    for d in policy.defines:
        if d.value is None:
            yield diagnostic(
                policy,
                d.name_span,
                f"definition '{d.name}' has no `value`",
                hint="add `value <expression>`: what the definition stands for",
            )
            continue
        if d.name in FUNCTIONS:
            yield diagnostic(
                policy,
                d.name_span,
                f"'{d.name}' is a built-in function",
                hint="give the definition another name",
            )
        seen: set[str] = set()
        for param in d.params:
            if param in seen or param in RESERVED - {*SUBJECTS, *vocab.BINDING_PATHS}:
                yield diagnostic(
                    policy,
                    d.name_span,
                    f"parameter '{param}' of '{d.name}' is repeated or names an engine value",
                )
            seen.add(param)
        allowed = {*d.params, "each", *ENGINE_NAMES, *ENUM_VALUES}
        for node in n.walk(d.value):
            if isinstance(node, n.Name) and node.name not in allowed:
                yield diagnostic(
                    policy,
                    node.span,
                    f"unknown name '{node.name}' in definition '{d.name}'",
                    hint="a definition reads only its parameters: add it to "
                    f"{d.name}({', '.join(d.params)})",
                )
            if isinstance(node, n.Call) and node.function == d.name:
                yield diagnostic(
                    policy,
                    node.span,
                    f"definition '{d.name}' calls itself",
                    hint="a definition is a formula, not a loop: write it without itself",
                )
            elif (
                isinstance(node, n.Call)
                and node.function not in FUNCTIONS
                and node.function not in names
                and node.function not in ctx_definitions(ctx, policy)
            ):
                yield diagnostic(
                    policy,
                    node.span,
                    f"unknown function '{node.function}' in '{d.name}'",
                    hint=_did_you_mean(node.function, [*FUNCTIONS, *names]),
                )
    yield from _definition_cycles(ctx, policy)
    yield from _within_scope_changes(ctx, policy)
    if policy.header.kind != "definitions":
        return
    if policy.header.get("title") is None:
        yield diagnostic(
            policy,
            policy.header.span,
            f"definitions file '{policy.id}' has no 'title'",
            hint='add `title "…"`, what the definitions are about',
        )
    others = [
        *((r.name_span, "rule") for r in policy.rules),
        *((p.span, "parameter") for p in policy.params),
        *((r.span, "repeal") for r in policy.repeals),
        *((r.span, "renumbering") for r in policy.renumbers),
        *((u.span, "unchecked article") for u in policy.unchecked),
        *((o.span, "overlap") for o in policy.overlaps),
        *((e.span, "example") for e in policy.examples),
    ]
    for span, what in others:
        yield diagnostic(
            policy,
            span,
            f"a definitions file holds no {what}",
            hint="it holds `define` and `presume` only; rules belong in a rule set that "
            f"`uses {policy.id}`",
        )


def _definition_cycles(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """Definitions that call each other in a circle are refused where the circle starts."""
    scope, _ = shared_scope([policy, *base_chain(ctx, policy)], ctx.definitions)
    calls = {
        name: {x.function for x in n.walk(d.value) if isinstance(x, n.Call)} & set(scope)
        for name, d in scope.items()
        if d.value is not None
    }
    for d in policy.defines:
        path = _cycle_from(d.name, calls)
        if path and len(path) > 2:  # a direct self-call is reported with its own message
            yield diagnostic(
                policy,
                d.name_span,
                f"definitions call each other in a circle: {' -> '.join(path)}",
                hint="a definition is a formula over its parameters: break the circle",
            )


def _cycle_from(start: str, calls: Mapping[str, set[str]]) -> list[str] | None:
    """Return a path start -> … -> start through ``calls``, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for callee in sorted(calls.get(name, ())):
            if callee == start:
                return [*path, start]
            if callee not in seen:
                seen.add(callee)
                stack.append((callee, [*path, callee]))
    return None


def _within_scope_changes(ctx: Context, policy: n.Policy) -> Iterator[PolicyError]:
    """A subordinate layer may not change how its base's rules read the facts.

    Redefining a definition or adding a presumption in a `within` layer would apply to the
    base's obligations too, and could lift them: a town cannot decide that every platform
    is approved for the province's rules.
    """
    rel = policy.header.relation
    if rel is None or rel[0] != "within" or rel[1] not in ctx.policies:
        return
    base_defines, _ = shared_scope(base_chain(ctx, policy), ctx.definitions)
    for d in policy.defines:
        if d.name in base_defines:
            yield diagnostic(
                policy,
                d.name_span,
                f"'{policy.id}' is within '{rel[1]}' and redefines '{d.name}', which the "
                "base's rules use",
                hint="a subordinate measure cannot change its base's concepts; give the "
                "definition another name",
            )
    uses = list(policy.header.uses)
    for p in policy.presumes:
        yield diagnostic(
            policy,
            p.span,
            f"'{policy.id}' is within '{rel[1]}': a presumption here would change how the "
            "base's rules read the facts",
            hint="state the presumption in the base rule set, or write it as a condition of "
            f"'{policy.id}'s own rules",
        )
    for f in uses:
        source = ctx.definitions.get(str(f.value))
        if source is not None and source.presumes:
            yield diagnostic(
                policy,
                f.span,
                f"'{policy.id}' is within '{rel[1]}' and uses '{f.value}', whose presumptions "
                "would change how the base's rules read the facts",
                hint="use the definitions file in the base rule set instead",
            )


def ctx_definitions(ctx: Context, policy: n.Policy) -> set[str]:
    """Return the names of the definitions a policy can call."""
    defines, _ = shared_scope([policy, *base_chain(ctx, policy)], ctx.definitions)
    return set(defines)


DEFINITION_CHECKS: tuple[Callable[[Context, n.Policy], Iterator[PolicyError]], ...] = (
    check_definitions,
)
CHECKS = (CHECKS[0], check_definitions, *CHECKS[1:], check_unused_params)


def run_checks(ctx: Context, policy: n.Policy) -> list[PolicyError]:
    """Return every diagnostic for one policy, sorted by position."""
    found: list[PolicyError] = []
    kind = policy.header.kind
    for check in DEFINITION_CHECKS if kind == "definitions" else CHECKS:
        try:
            found.extend(check(ctx, policy))
        except RecursionError:  # expressions nested deeper than Python's stack
            found.append(
                diagnostic(
                    policy,
                    policy.header.span,
                    f"rule set '{policy.id}' nests an expression too deeply to check",
                    hint="split deep expressions into steps with `let`",
                )
            )
    return sorted(found, key=lambda d: (d.path, d.line, d.column, d.message))
