"""The synthetic caseload as a DfE children-in-need census return (XML), the shape ``mappings/cin-census.yaml`` reads.

One ``Child`` per child, one ``CINdetails`` per referral, with its assessment, its section 47 enquiries
and the child protection plans that followed, dates written YYYY-MM-DD as the census writes them.
Children are written a block at a time, in id order, so the file is the same for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Sequence
from xml.sax.saxutils import escape

FILENAME = "cin-census.xml"
_INDENT = "  "


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


@dataclass
class _Referral:
    day: int
    nfa: bool
    assessment_start: int | None
    assessment_done: int | None
    section47: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Child:
    birth: int
    gender: str
    referrals: list[_Referral] = field(default_factory=list)


class CensusWriter:
    """Collects a block of children's referrals, enquiries and plans, then writes them as census XML."""

    def __init__(self, path: Path, end: date) -> None:
        self.path = path
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.children: dict[str, _Child] = {}
        self.counts = {"referral": 0, "section47": 0, "cp-plan": 0}
        year = end.year if end >= date(end.year, 3, 31) else end.year - 1
        self.handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
                          f"      <Collection>CIN</Collection>\n      <Year>{year}</Year>\n"
                          f"      <ReferenceDate>{end.isoformat()}</ReferenceDate>\n    </CollectionDetails>\n"
                          "    <Source>\n      <SourceLevel>L</SourceLevel>\n      <LEA>999</LEA>\n"
                          "      <SoftwareCode>statutory-timelines synth</SoftwareCode>\n"
                          "      <Release>1</Release>\n      <SerialNo>1</SerialNo>\n    </Source>\n  </Header>\n"
                          "  <Children>\n")

    def referral(self, child: str, birth: int, gender: str, day: int, nfa: bool, assessment_start: int | None,
                 assessment_done: int | None) -> None:
        who = self.children.setdefault(child, _Child(birth, gender))
        if any(r.day == day for r in who.referrals):
            return  # the census identifies a referral by its date: a second on the same day would be a duplicate
        who.referrals.append(_Referral(day, nfa, assessment_start, assessment_done))

    def section47(self, child: str, referral_day: int, strategy: int, target: int, not_required: bool,
                  icpc: int | None, plan_end: int | None, reviews: Sequence[int], has_plan: bool) -> None:
        who = self.children.get(child)
        referral = next((r for r in who.referrals if r.day == referral_day), None) if who else None
        if referral is None or any(s["start"] == strategy for r in who.referrals for s in r.section47):
            return  # no referral to hang it on, or a second enquiry starting the same day
        # A plan is identified by its start: a second starting the same day would be a duplicate.
        has_plan = has_plan and not any(s["plan"] and s["icpc"] == icpc for r in who.referrals for s in r.section47)
        referral.section47.append({"start": strategy, "target": target, "not_required": not_required, "icpc": icpc,
                                   "plan": has_plan, "plan_end": plan_end, "reviews": list(reviews)})

    def flush(self) -> None:
        """Write the block's children, in id order."""
        out: list[str] = []
        for child_id in sorted(self.children):
            self._child(out, child_id, self.children[child_id])
        self.handle.write("".join(out))
        self.children.clear()

    def _child(self, out: list[str], child_id: str, child: _Child) -> None:
        pad = _INDENT * 3
        out.append(f"{_INDENT * 2}<Child>\n{pad}<ChildIdentifiers>\n"
                   f"{pad}{_INDENT}<LAchildID>{escape(child_id)}</LAchildID>\n"
                   f"{pad}{_INDENT}<PersonBirthDate>{_iso(child.birth)}</PersonBirthDate>\n"
                   f"{pad}{_INDENT}<GenderCurrent>{child.gender}</GenderCurrent>\n{pad}</ChildIdentifiers>\n")
        for r in sorted(child.referrals, key=lambda r: r.day):
            self.counts["referral"] += 1
            lines = [f"<CINreferralDate>{_iso(r.day)}</CINreferralDate>", "<ReferralSource>1A</ReferralSource>",
                     "<PrimaryNeedCode>N1</PrimaryNeedCode>"]
            first_icpc = min((s["icpc"] for s in r.section47 if s["icpc"] is not None), default=None)
            if first_icpc is not None:
                lines.append(f"<DateOfInitialCPC>{_iso(first_icpc)}</DateOfInitialCPC>")
            lines.append(f"<ReferralNFA>{'true' if r.nfa else 'false'}</ReferralNFA>")
            if r.assessment_start is not None:
                lines += ["<Assessments>",
                          f"{_INDENT}<AssessmentActualStartDate>{_iso(r.assessment_start)}</AssessmentActualStartDate>"]
                if r.assessment_done is not None:
                    lines.append(f"{_INDENT}<AssessmentAuthorisationDate>{_iso(r.assessment_done)}"
                                 "</AssessmentAuthorisationDate>")
                lines.append("</Assessments>")
            for s in sorted(r.section47, key=lambda s: s["start"]):
                self.counts["section47"] += 1
                lines += ["<Section47>", f"{_INDENT}<S47ActualStartDate>{_iso(s['start'])}</S47ActualStartDate>",
                          f"{_INDENT}<InitialCPCtarget>{_iso(s['target'])}</InitialCPCtarget>"]
                if s["icpc"] is not None:
                    lines.append(f"{_INDENT}<DateOfInitialCPC>{_iso(s['icpc'])}</DateOfInitialCPC>")
                lines += [f"{_INDENT}<ICPCnotRequired>{'true' if s['not_required'] else 'false'}</ICPCnotRequired>",
                          "</Section47>"]
            for s in sorted(r.section47, key=lambda s: s["start"]):
                if not s["plan"]:
                    continue
                self.counts["cp-plan"] += 1
                lines += ["<ChildProtectionPlans>", f"{_INDENT}<CPPstartDate>{_iso(s['icpc'])}</CPPstartDate>"]
                if s["plan_end"] is not None:
                    lines.append(f"{_INDENT}<CPPendDate>{_iso(s['plan_end'])}</CPPendDate>")
                if s["reviews"]:
                    lines.append(f"{_INDENT}<Reviews>")
                    lines += [f"{_INDENT * 2}<CPPreviewDate>{_iso(d)}</CPPreviewDate>" for d in s["reviews"]]
                    lines.append(f"{_INDENT}</Reviews>")
                lines.append("</ChildProtectionPlans>")
            out.append(f"{pad}<CINdetails>\n" + "".join(f"{pad}{_INDENT}{line}\n" for line in lines)
                       + f"{pad}</CINdetails>\n")
        out.append(f"{_INDENT * 2}</Child>\n")

    def close(self) -> None:
        self.flush()
        self.handle.write("  </Children>\n</Message>\n")
        self.handle.close()
