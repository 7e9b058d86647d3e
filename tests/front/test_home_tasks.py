"""The home page's 我的待办: each role's list holds what that role can act on in its jurisdiction,
and nothing it cannot; overdue items are flagged and the count is the count of everything."""

from datetime import timedelta

import pytest

from gridcase.cases import services
from gridcase.cases.models import Risk
from gridcase.front.selectors import home_tasks
from gridcase.lib import clock

pytestmark = pytest.mark.django_db

TODAY = clock.now()


def titles(user) -> set[str]:
    return {task.title for task in home_tasks(user=user)}


def task(user, title: str):
    return next(t for t in home_tasks(user=user) if t.title == title)


def settle(case, actor):
    case = services.case_accept(case=case, actor=actor)
    case = services.case_start_mediation(case=case, actor=actor, held_on=TODAY.date(), place="村调解室",
                                         attendees="双方", content="释法说理")
    return services.case_settle(case=case, actor=actor, signed_on=TODAY.date(), terms="一、赔偿五百元。")


def test_the_mediator_finds_the_town_s_cases_waiting_to_be_accepted(make_case, users):
    waiting = make_case(title="待受理的邻里纠纷")
    make_case(title="耿车镇的纠纷", username="worker2")

    tasks = home_tasks(user=users["mediator"])

    assert [(t.title, t.what) for t in tasks] == [("待受理的邻里纠纷", "待受理")] and tasks.total == 1
    assert task(users["mediator"], "待受理的邻里纠纷").url == f"/cases/{waiting.pk}/"
    assert "耿车镇的纠纷" in titles(users["mediator2"]) and "待受理的邻里纠纷" not in titles(users["mediator2"])


def test_a_logged_case_not_accepted_within_three_working_days_is_overdue(login, make_case, users):
    with clock.travel(TODAY - timedelta(days=10)):
        late = make_case(title="十天前登记的纠纷")
    make_case(title="今天登记的纠纷")

    tasks = home_tasks(user=users["mediator"])

    assert late.deadline < TODAY and [t.title for t in tasks] == ["十天前登记的纠纷", "今天登记的纠纷"]
    assert [t.overdue for t in tasks] == [True, False]
    overdue_list = login("cadre").get("/cases/", {"overdue": "on"}).content.decode()
    assert "十天前登记的纠纷" in overdue_list and "今天登记的纠纷" not in overdue_list


def test_a_case_assigned_to_someone_else_is_not_the_mediator_s(make_case, users):
    services.case_accept(case=make_case(title="村里在调解的纠纷"), actor=users["cadre"])
    services.case_accept(case=make_case(title="指派给镇调解员的纠纷"), actor=users["cadre"],
                         mediators=[users["mediator"]])

    assert titles(users["mediator"]) == {"指派给镇调解员的纠纷"}
    assert task(users["mediator"], "指派给镇调解员的纠纷").what == "待调解"
    assert titles(users["cadre"]) == {"村里在调解的纠纷"}


def test_the_grid_worker_gets_only_what_a_grid_worker_does(make_case, users):
    make_case(title="刚登记的纠纷")
    services.case_accept(case=make_case(title="调解中的纠纷"), actor=users["cadre"])
    settle(make_case(title="已调解成功的纠纷"), users["cadre"])

    worker = home_tasks(user=users["worker"])

    assert [(t.title, t.what, t.deadline) for t in worker] == [("已调解成功的纠纷", "待回访", None)]
    assert "已调解成功的纠纷" not in titles(users["worker2"])


def test_the_town_leader_gets_what_reaches_the_town_and_what_is_overdue_below(make_case, users):
    make_case(title="村里刚登记的纠纷")
    with clock.travel(TODAY - timedelta(days=10)):
        make_case(title="村里超期未受理的纠纷")
    services.case_escalate(case=make_case(title="上报到镇的纠纷"), actor=users["cadre"], reason="跨村")

    leader = {t.title: t for t in home_tasks(user=users["leader"])}

    assert set(leader) == {"村里超期未受理的纠纷", "上报到镇的纠纷"}
    assert leader["村里超期未受理的纠纷"].overdue and leader["上报到镇的纠纷"].what == "上报待受理"
    assert not titles(users["leader2"]) & set(leader)
    county = titles(users["admin"])
    assert "村里超期未受理的纠纷" in county and not {"村里刚登记的纠纷", "上报到镇的纠纷"} & county


def test_a_closed_case_leaves_every_list(make_case, users):
    case = settle(make_case(title="结案的纠纷"), users["cadre"])
    case = services.case_follow_up(case=case, actor=users["worker"], visited_on=TODAY.date(), method="phone",
                                   satisfaction="satisfied", recurred=False)
    assert task(users["cadre"], "结案的纠纷").what == "待结案"
    services.case_close(case=case, actor=users["cadre"])

    for who in ("worker", "cadre", "mediator", "leader", "admin"):
        assert "结案的纠纷" not in titles(users[who]), who


def test_the_count_is_of_everything_not_of_the_first_few(make_case, users):
    for n in range(7):
        make_case(title=f"第{n}件纠纷")

    tasks = home_tasks(user=users["mediator"], limit=3)

    assert len(tasks) == 3 and tasks.total == 7


def test_the_home_page_shows_one_list_with_the_count_and_the_overdue_flag(login, make_case, users):
    with clock.travel(TODAY - timedelta(days=10)):
        make_case(title="超期未受理", risk=Risk.GENERAL)
    make_case(title="新登记")

    page = login("mediator").get("/").content.decode()

    assert "我的待办（2）" in page and page.index("超期未受理") < page.index("新登记")
    assert page.count('class="overdue-task"') == 1 and "已超期" in page
