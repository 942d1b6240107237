"""Resolve layered rule sets: which version of each obligation each layer puts in force, and when.

Two relations (docs/contract.md, rule sets):

- *adapts* copies the base: every inherited rule becomes the child's own, renumbered to
  the child's articles and in force only from the child's date; the base no longer binds.
- *within* subordinates the child: the base's versions keep binding from the base's date,
  and a child's override is appended as a more specific version from the child's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from govrules import nodes as n
from govrules.source import Span
from govrules.texts import label


@attrs.frozen
class Measure:
    """A rule set's document: what it is, who issued it, when it took effect, its base."""

    id: str
    title: str
    number: str | None
    issuer: str
    level: str
    jurisdiction: str
    published: dt.date | None
    effective: dt.date | None
    relation: str | None
    base: str | None
    text: str
    notes: tuple[str, ...]
    path: str

    @classmethod
    def of(cls, policy: n.Policy) -> Measure:
        """Return the measure a parsed policy declares."""
        h = policy.header
        rel = h.relation

        def text(key: str) -> str:
            value = h.value(key)
            return "" if value is None else str(value)

        published = h.value("published")
        effective = h.value("effective")
        return cls(
            id=h.id,
            title=text("title"),
            number=str(h.value("number")) if h.value("number") is not None else None,
            issuer=text("issuer"),
            level=text("level"),
            jurisdiction=text("jurisdiction"),
            published=published if isinstance(published, dt.date) else None,
            effective=effective if isinstance(effective, dt.date) else None,
            relation=rel[0] if rel else None,
            base=rel[1] if rel else None,
            text=text("text"),
            notes=h.notes,
            path=policy.source.path,
        )


@attrs.frozen
class Version:
    """One layer's version of an obligation: the merged rule, its parameters and citations."""

    obligation: str
    measure: Measure
    rule: n.Rule
    params: tuple[tuple[str, n.Literal], ...]
    cites: tuple[n.Citation, ...]
    starts: dt.date | None
    start_known: bool
    origin: Span
    specialises: tuple[Version, ...] = ()
    adapted_from: Version | None = None
    changed_params: tuple[str, ...] = ()

    def param_map(self) -> dict[str, n.Literal]:
        """Return the parameters in force for this version by name."""
        return dict(self.params)


@attrs.frozen
class Obligation:
    """An obligation through the layers: its versions from the most general to the most specific."""

    id: str
    versions: tuple[Version, ...]

    def in_force(self, on: dt.date) -> Version | None:
        """Return the most specific version in force on ``on``, or None."""
        for version in reversed(self.versions):
            if version.starts is not None and version.starts <= on:
                return version
        return None

    @property
    def latest(self) -> Version:
        """Return the most specific version."""
        return self.versions[-1]


@attrs.frozen
class Repealed:
    """A base obligation a layer dropped, with the layer's reason."""

    obligation: str
    measure: str
    reason: str
    span: Span
    version: Version


@attrs.frozen
class RuleSet:
    """A rule set with its layers resolved: obligations in a stable order, and what was dropped."""

    measure: Measure
    chain: tuple[Measure, ...]  # the measure itself first, then its bases
    obligations: tuple[Obligation, ...]
    repealed: tuple[Repealed, ...]
    params: tuple[tuple[str, n.Literal], ...]
    unchecked: tuple[tuple[n.Unchecked, str], ...]  # with the measure id it belongs to
    definitions: Mapping[str, n.Define] = attrs.field(factory=dict)
    presumptions: tuple[n.Presume, ...] = ()

    @property
    def id(self) -> str:
        """Return the rule set id."""
        return self.measure.id

    def obligation(self, name: str) -> Obligation | None:
        """Return the obligation ``name``, or None."""
        for ob in self.obligations:
            if ob.id == name:
                return ob
        return None


def merge(base: n.Rule, override: n.Rule) -> n.Rule:
    """Return ``base`` with the clauses ``override`` gives replacing its own."""
    lets = {x.name: x for x in base.lets}
    for x in override.lets:
        lets[x.name] = x
    return attrs.evolve(
        base,
        override=False,
        title=override.title if override.title is not None else base.title,
        subject=override.subject if override.subject is not None else base.subject,
        subject_span=override.subject_span or base.subject_span,
        cites=override.cites if override.cites is not None else base.cites,
        governing=override.governing if override.governing is not None else base.governing,
        when=override.when if override.when is not None else base.when,
        lets=tuple(lets.values()),
        requires=override.requires if override.requires is not None else base.requires,
        explain=override.explain if override.explain is not None else base.explain,
        due=override.due if override.due is not None else base.due,
        exceptions=override.exceptions if override.exceptions is not None else base.exceptions,
        notes=base.notes + override.notes,
        span=override.span,
        name_span=override.name_span,
    )


def renumber(
    cites: tuple[n.Citation, ...], mapping: Mapping[int, n.Citation]
) -> tuple[tuple[n.Citation, ...], tuple[n.Citation, ...]]:
    """Return the citations moved to the child's numbering, and those the mapping lacks."""
    moved, unmapped = [], []
    for c in cites:
        target = mapping.get(c.article)
        if target is None:
            unmapped.append(c)
            continue
        paragraph = target.paragraph if target.paragraph is not None else c.paragraph
        item = target.item if target.item is not None else c.item
        text_label = label(target.article, paragraph, item)
        moved.append(n.Citation(target.article, paragraph, item, text_label, target.span))
    return tuple(moved), tuple(unmapped)


def _renumber_exceptions(
    exceptions: tuple[n.Except, ...], mapping: Mapping[int, n.Citation]
) -> tuple[n.Except, ...]:
    """Return inherited exceptions citing the adapting text's own articles where it maps them."""
    out = []
    for x in exceptions:
        moved, unmapped = renumber(x.cites, mapping)
        out.append(attrs.evolve(x, cites=moved + unmapped) if moved else x)
    return tuple(out)


def _new_obligation(
    rule: n.Rule,
    measure: Measure,
    params: tuple[tuple[str, n.Literal], ...],
    starts: dt.date | None,
    start_known: bool,
) -> Obligation:
    """Return an obligation a layer states itself, with its one version."""
    version = Version(
        obligation=rule.name,
        measure=measure,
        rule=rule,
        params=params,
        cites=rule.cites or (),
        starts=starts,
        start_known=start_known,
        origin=rule.name_span,
    )
    return Obligation(rule.name, (version,))


def shared_scope(
    chain: list[n.Policy], definitions: Mapping[str, n.Policy]
) -> tuple[dict[str, n.Define], tuple[n.Presume, ...]]:
    """Return the definitions and presumptions in force for the first policy of ``chain``.

    ``chain`` runs from the policy to its root base. Each layer brings the definition files
    it ``uses`` and then its own; a nearer layer's presumption of a fact replaces a farther
    one's. The checks and the resolution both call this, so they cannot disagree.
    """
    defines: dict[str, n.Define] = {}
    presumes: dict[tuple[str, str] | None, n.Presume] = {}
    for policy in reversed(chain):
        sources = [
            definitions[str(f.value)] for f in policy.header.uses if str(f.value) in definitions
        ]
        for source in [*sources, policy]:
            defines.update((d.name, d) for d in source.defines)
            presumes.update((p.target, p) for p in source.presumes)
    return defines, tuple(presumes.values())


def policy_chain(policies: Mapping[str, n.Policy], ruleset_id: str) -> list[n.Policy]:
    """Return the policy and its bases, nearest first, stopping at an unknown id or a cycle."""
    out: list[n.Policy] = []
    current = policies.get(ruleset_id)
    while current is not None and current not in out:
        out.append(current)
        rel = current.header.relation
        current = policies.get(rel[1]) if rel is not None else None
    return out


def resolve(
    policies: Mapping[str, n.Policy],
    ruleset_id: str,
    definitions: Mapping[str, n.Policy] | None = None,
) -> RuleSet:
    """Return the resolved rule set ``ruleset_id``; the policies are already checked."""
    ruleset = _resolve(policies, ruleset_id)
    defines, presumes = shared_scope(policy_chain(policies, ruleset_id), definitions or {})
    return attrs.evolve(ruleset, definitions=defines, presumptions=presumes)


def _start(policies: Mapping[str, n.Policy], ruleset_id: str) -> dt.date:
    """Return the date from which a rule set's own versions apply: its effective date, else
    its base's, and every date (0001-01-01) for a root whose text gives none."""
    measure = Measure.of(policies[ruleset_id])
    if measure.effective is not None:
        return measure.effective
    if measure.base is None:
        return dt.date.min
    return _start(policies, measure.base)


def _resolve(policies: Mapping[str, n.Policy], ruleset_id: str) -> RuleSet:
    policy = policies[ruleset_id]
    measure = Measure.of(policy)
    own_params = {p.name: p for p in policy.params}
    own_unchecked = tuple((u, measure.id) for u in policy.unchecked)

    if measure.base is None:
        params = tuple((p.name, p.value) for p in policy.params)
        # A base whose text gives no date is taken to bind on every date, and every verdict
        # says that the date is unknown (docs/contract.md treats a child's unknown date alike).
        root_start = measure.effective if measure.effective is not None else dt.date.min
        roots = tuple(
            _new_obligation(rule, measure, params, root_start, measure.effective is not None)
            for rule in policy.rules
        )
        return RuleSet(measure, (measure,), roots, (), params, own_unchecked)

    base = _resolve(policies, measure.base)
    params_map = dict(base.params)
    for p in policy.params:
        params_map[p.name] = p.value
    params = tuple(params_map.items())
    adapts = measure.relation == "adapts"
    overrides = {r.name: r for r in policy.rules if r.override}
    repeals = {r.name: r for r in policy.repeals}
    mapping = {r.old.article: r.new for r in policy.renumbers}
    # A layer that gives no date applies from its base's (docs/contract.md); a base of
    # unknown date binds on every date, and so does such a layer within it.
    base_start = _start(policies, measure.base)
    starts = measure.effective if measure.effective is not None else base_start
    start_known = measure.effective is not None

    obligations: list[Obligation] = []
    repealed: list[Repealed] = list(base.repealed) if not adapts else []
    for ob in base.obligations:
        last = ob.latest
        if ob.id in repeals:
            rep = repeals[ob.id]
            repealed.append(Repealed(ob.id, measure.id, rep.reason, rep.span, last))
            if adapts:
                continue
        override = overrides.get(ob.id)
        used = n.names_in(last.rule if override is None else merge(last.rule, override))
        # A child's own value changes the obligation when it differs; in an adapting child a
        # restated value with its own citation also says where the child states it.
        changed = tuple(
            sorted(
                name
                for name in used
                if name in own_params
                and (
                    dict(base.params).get(name) != own_params[name].value
                    or (adapts and own_params[name].cites)
                )
            )
        )
        if not adapts and override is None and not changed:
            obligations.append(ob)
            continue
        rule = last.rule if override is None else merge(last.rule, override)
        if adapts and rule.exceptions:
            rule = attrs.evolve(rule, exceptions=_renumber_exceptions(rule.exceptions, mapping))
        if override is not None and override.cites is not None:
            cites = override.cites
        elif changed and any(own_params[c].cites for c in changed):
            cites = tuple(dict.fromkeys(c for name in changed for c in own_params[name].cites))
        elif adapts:
            cites, _unmapped = renumber(last.cites, mapping)
        else:
            cites = last.cites
        origin = (
            override.name_span
            if override is not None
            else (own_params[changed[0]].span if changed else last.origin)
        )
        version = Version(
            obligation=ob.id,
            measure=measure,
            rule=rule,
            params=params,
            cites=cites,
            starts=starts,
            start_known=start_known,
            origin=origin,
            specialises=() if adapts else tuple(reversed(ob.versions)),
            adapted_from=last if adapts else None,
            changed_params=changed,
        )
        obligations.append(Obligation(ob.id, (version,) if adapts else (*ob.versions, version)))

    obligations.extend(
        _new_obligation(rule, measure, params, starts, start_known)
        for rule in policy.rules
        if not rule.override
    )
    chain = (measure, *base.chain)
    unchecked = own_unchecked if adapts else own_unchecked + base.unchecked
    return RuleSet(measure, chain, tuple(obligations), tuple(repealed), params, unchecked)


def unused_params(ruleset: RuleSet, policy: n.Policy) -> tuple[n.Param, ...]:
    """Return the policy's own parameters that no rule in force and no presumption reads."""
    used: set[str] = set()
    for ob in ruleset.obligations:
        for version in ob.versions:
            used |= n.names_in(version.rule)
    for p in ruleset.presumptions:
        for expr in (p.value, p.when):
            if expr is not None:
                used |= {x.name for x in n.walk(expr) if isinstance(x, n.Name)}
    return tuple(p for p in policy.params if p.name not in used)
