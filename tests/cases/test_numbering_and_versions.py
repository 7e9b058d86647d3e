import uuid

import pytest

from gridcase.accounts.models import User
from gridcase.cases import services
from gridcase.cases.models import Case
from tests.conftest import point_in, run_concurrently


@pytest.mark.django_db
def test_numbers_run_per_town_and_year(make_case):
    first, second = make_case(), make_case()
    elsewhere = make_case(username="worker2")

    assert first.number.endswith("-000001") and second.number.endswith("-000002")
    assert first.number.startswith("321302112-") and elsewhere.number.startswith("321302101-")
    assert elsewhere.number.endswith("-000001")


def test_concurrent_registrations_get_distinct_numbers_without_gaps(committed, neighbours):
    worker = User.objects.get(username="worker")
    location = point_in(worker.grids.first())

    numbers = run_concurrently(lambda: services.case_register(actor=worker, title="并发登记", category=neighbours,
                                                              location=location).number, times=12)

    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 13))


def test_a_phone_retrying_the_same_submission_creates_one_case(committed, neighbours):
    worker = User.objects.get(username="worker")
    location, client_id = point_in(worker.grids.first()), uuid.uuid4()

    ids = run_concurrently(lambda: services.case_register(actor=worker, title="重复提交", category=neighbours,
                                                          location=location, client_id=client_id).pk, times=6)

    assert len(ids) == 6 and len(set(ids)) == 1
    assert Case.objects.filter(client_id=client_id).count() == 1


@pytest.mark.django_db
def test_saving_over_a_newer_change_is_refused_and_says_what_changed(make_case, users, neighbours):
    case = make_case()
    seen = case.version
    services.case_update(case=case, actor=users["mediator"], expected_version=seen, people_involved=4)

    with pytest.raises(services.StaleCase) as stale:
        services.case_update(case=case, actor=users["cadre"], expected_version=seen, title="我改的标题")

    [change] = stale.value.changes
    assert change.actor == users["mediator"] and change.data["changes"] == {"people_involved": ["2", "4"]}
    case.refresh_from_db()
    assert case.title != "我改的标题" and case.people_involved == 4


@pytest.mark.django_db
def test_the_stale_form_keeps_what_was_typed_and_can_be_sent_again(make_case, users, login):
    case = make_case()
    seen = case.version
    services.case_update(case=case, actor=users["mediator"], expected_version=seen, people_involved=4)
    client = login("cadre")
    form = {"version": seen, "title": "排水沟纠纷（已核实）", "category": case.category_id, "narrative": "我写的详细情况",
            "people_involved": 3, "amount": "", "risk": 1, "source": "grid_worker"}

    refused = client.post(f"/cases/{case.pk}/edit/", form)

    html = refused.content.decode()
    assert refused.status_code == 200 and "已被他人修改" in html and "people_involved：2 → 4" in html
    assert "我写的详细情况" in html and f'name="version" value="{seen + 1}"' in html
    resent = client.post(f"/cases/{case.pk}/edit/", {**form, "version": seen + 1})
    assert resent.status_code == 302
    case.refresh_from_db()
    assert (case.narrative, case.people_involved) == ("我写的详细情况", 3)
