"""Writes ../records.yaml from the hand-worked records in gen_*.py (run: python3 gen.py; needs PyYAML only).

The reviewer's working, kept beside the data it produced: each gen_*.py states a record, the reasoning and the
verdict; deadlines come from ref.py, a hand list of England and Wales bank holidays and plain datetime
arithmetic that shares nothing with the project's code. Not run by the tests: the YAML is the record of the review.
"""
import glob
import os
HERE = os.path.dirname(os.path.abspath(__file__))
exec(open(HERE + '/gen_head.py').read())
for f in sorted(glob.glob(HERE + '/gen_*.py')):
    if f.endswith('gen_head.py'): continue
    exec(open(f).read())
doc = {'rules_of_kind': RULES_OF_KIND, 'records': RECORDS, 'extracts': EXTRACTS, 'deadlines': DEADLINES, 'plans': PLANS, 'unknown_unit': UNITS, 'wording': WORDING, 'annex_without_extract_date': ANNEX_WITHOUT_DATE}
hdr = '''# An independent legal review: records built by hand, each with the verdict the law gives for every duty.
# Worked by a reviewer from docs/legal-reference.md's sources and issue 18, deadlines counted with Python's
# datetime and a hand list of England and Wales bank holidays (never with this project's code).
# `why` gives the reasoning and the source; `discrepancy` marks where the tool (as of the review) disagrees
# (`counts: agree` beside it when the KPI counts do not change); `decision` where the tool's reading was kept.
# Read by tests/test_legal_review.py.
'''
open(os.path.join(HERE, '..', 'records.yaml'), 'w').write(hdr + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110))
print(len(RECORDS), 'records')
