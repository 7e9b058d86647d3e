"""A hand-made month of mediation in 古河村 (屠园镇), October 2026, driven through the case
services on the dates given. The expected figures are worked out by hand in test_measures.py."""

from datetime import date, datetime

from django.utils import timezone

from gridcase.accounts.models import User
from gridcase.cases import services
from gridcase.lib import clock

OCTOBER = date(2026, 10, 1)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def act(when: datetime, service, **kwargs):
    with clock.travel(when):
        return service(**kwargs)


def mediate(case, actor, when):
    return act(when, services.case_start_mediation, case=case, actor=actor, held_on=when.date(), place="村调委会",
               attendees="双方当事人", content="调解")


def settle(case, actor, when):
    return act(when, services.case_settle, case=case, actor=actor, signed_on=when.date(), terms="双方和解")


def follow_up(case, actor, when, satisfaction, recurred=False):
    return act(when, services.case_follow_up, case=case, actor=actor, visited_on=when.date(), method="phone",
               satisfaction=satisfaction, recurred=recurred)


def register(make_case, when, username="worker", **fields):
    with clock.travel(when):
        return make_case(username=username, **fields)


def build(make_case) -> dict:
    m = User.objects.get(username="mediator")
    cases = {}

    def accepted(name, when, **fields):
        case = register(make_case, when, title=f"案件{name}", **fields)
        act(when, services.case_accept, case=case, actor=m)
        cases[name] = case
        return case

    # A: settled at the village on 5 Oct, satisfied, closed; the dispute came back on 2 Nov.
    a = accepted("A", at(10, 2))
    mediate(a, m, at(10, 3))
    settle(a, m, at(10, 5))
    follow_up(a, m, at(10, 10), "satisfied")
    act(at(10, 11), services.case_close, case=a, actor=m)
    act(at(11, 2), services.case_reopen, case=a, actor=m, narrative="又吵起来了")
    # B: settled at the village on 6 Oct; the follow-up finds them dissatisfied and the dispute back.
    b = accepted("B", at(10, 2))
    mediate(b, m, at(10, 3))
    settle(b, m, at(10, 6))
    follow_up(b, m, at(10, 12), "dissatisfied", recurred=True)
    # C: failed at the village, escalated, settled by the town on 12 Oct, fairly satisfied.
    c = accepted("C", at(10, 3))
    mediate(c, m, at(10, 4))
    act(at(10, 8), services.case_fail, case=c, actor=m, reason="分歧较大")
    act(at(10, 8, 11), services.case_escalate, case=c, actor=m, reason="村级调解不成")
    act(at(10, 9), services.case_accept, case=c, actor=m)
    mediate(c, m, at(10, 10))
    settle(c, m, at(10, 12))
    follow_up(c, m, at(10, 20), "fairly")
    # D: failed at the village and at the town, referred to the court on 15 Oct.
    d = accepted("D", at(10, 3))
    mediate(d, m, at(10, 4))
    act(at(10, 9), services.case_fail, case=d, actor=m, reason="分歧较大")
    act(at(10, 9, 11), services.case_escalate, case=d, actor=m, reason="村级调解不成")
    act(at(10, 10), services.case_accept, case=d, actor=m)
    mediate(d, m, at(10, 11))
    act(at(10, 14), services.case_fail, case=d, actor=m, reason="仍不成")
    act(at(10, 15), services.case_refer, case=d, actor=m, to="court", reason="诉调对接")
    # E: a risk of violence; handed to the police on 6 Oct without mediation.
    e = register(make_case, at(10, 5), title="案件E", violence_risk=True)
    e.refresh_from_db()
    if e.state in ("registered", "escalated"):
        act(at(10, 5, 11), services.case_accept, case=e, actor=m)
    act(at(10, 6), services.case_refer, case=e, actor=m, to="police", reason="警调联动")
    cases["E"] = e
    # F: registered and accepted on 20 Oct, still open.
    accepted("F", at(10, 20))
    # G: registered and settled in September; followed up (satisfied) on 2 Oct.
    g = accepted("G", at(9, 20))
    mediate(g, m, at(9, 21))
    settle(g, m, at(9, 25))
    follow_up(g, m, at(10, 2), "satisfied")
    # H: accepted on 1 Sep (10 working days to go), settled at the village only on 7 Oct: late.
    h = accepted("H", at(9, 1))
    mediate(h, m, at(9, 2))
    settle(h, m, at(10, 7))
    return cases
