import sys, yaml
sys.path.insert(0, HERE)
from ref import *

RULES_OF_KIND = {
 'inspection': [['la-publish-report'],['la-publish-statement'],['la-send-action-plan'],['lscb-publish-report'],
                ['jar-publish-report'],['jar-written-statement'],['fv-priority-draft-plan'],['fv-priority-action-plan']],
 'referral': [['referral-decision-1wd'],['assessment-45wd','initial-assessment-10wd'],['assessment-45wd-from-start'],['core-assessment-35wd']],
 'child-protection': [['icpc-15wd'],['rcpc']],
 'looked-after': [['cla-review','cla-review-1991'],['cla-visit']],
 'care-proceedings': [['care-proceedings-26wk']],
 'complaint': [['complaint-stage1'],['complaint-stage2'],['complaint-panel'],['complaint-panel-report'],['complaint-la-response']],
 'missing-episode': [['return-interview-72h']],
}
RECORDS = []
def iso(d): return d.isoformat() if hasattr(d,'isoformat') else d

def clean(e):
    e = dict(e)
    e.setdefault('data_quality', False)
    e.setdefault('caveat', False)
    out = {}
    for k, v in e.items():
        if v is None and k not in ('on_bound','deadline'): continue
        out[k] = iso(v) if hasattr(v,'isoformat') else v
    return out

def rec(id, kind, as_of, events, expect, why, attributes=None, extract_date=None, area=None):
    exp = {}
    for group in RULES_OF_KIND[kind]:
        given = [r for r in group if r in expect]
        assert len(given) <= 1, (id, given)
        if not given:
            exp[group[0]] = clean({'status': 'not_applicable', 'any_version': True} if len(group) > 1 else {'status': 'not_applicable'})
            continue
        v = expect[given[0]]
        exp[given[0]] = [clean(x) for x in v] if isinstance(v, list) else clean(v)
    unknown = set(expect) - {r for g in RULES_OF_KIND[kind] for r in g}
    assert not unknown, (id, unknown)
    ev = {}
    for k, v in events.items():
        ev[k] = [iso(x) for x in v] if isinstance(v, list) else iso(v)
    r = {'id': id, 'area': area or kind, 'kind': kind, 'as_of': iso(as_of)}
    if extract_date: r['extract_date'] = iso(extract_date)
    if attributes: r['attributes'] = attributes
    r['events'] = ev
    r['why'] = why
    r['expect'] = exp
    assert id not in {x['id'] for x in RECORDS}, id
    RECORDS.append(r)

def E(status, deadline=None, **kw):
    d = {'status': status}
    if deadline is not None: d['deadline'] = deadline
    d.update(kw)
    return d
NA = lambda **kw: E('not_applicable', **kw)
