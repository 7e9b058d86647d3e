"""The hazard lifecycle: each transition by the roles allowed, refused otherwise, each with its event."""

import pytest
from django.db import IntegrityError, connection, transaction

from gridcase.hazards import services
from gridcase.hazards.models import ExtensionRequest, HazardEvent, HazardPhoto, State
from gridcase.lib import clock
from tests.hazards.conftest import at, photo
from tests.images import JPEG

pytestmark = pytest.mark.django_db


def kinds(hazard) -> list[str]:
    return list(hazard.events.order_by("at", "id").values_list("kind", flat=True))


def test_reported_verified_rectifying_rectified_and_closed(make_hazard, users):
    with clock.travel(at(2026, 11, 2, 9, 0)):
        hazard = make_hazard(photos=[photo("before.png")])
        assert (hazard.state, hazard.number[:11]) == (State.REPORTED, "YH321302112")
        services.hazard_verify(hazard=hazard, actor=users["cadre"], expected_version=1, severity=2)
        services.hazard_order_rectification(
            hazard=hazard, actor=users["cadre"], deadline=services.end_of_day(at(2026, 11, 20).date()),
            responsible_kind="person", responsible_name="张三", responsible_contact="13800000000")
    with clock.travel(at(2026, 11, 10, 15, 0)):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo("after.jpg", JPEG)],
                                 note="杂物已清理")
        services.hazard_close(hazard=hazard, actor=users["cadre"], note="现场验收合格")

    hazard.refresh_from_db()
    assert (hazard.state, hazard.severity, hazard.responsible_name) == (State.CLOSED, 2, "张三")
    assert kinds(hazard) == ["hazard.reported", "hazard.verified", "hazard.rectification_ordered",
                             "hazard.rectified", "hazard.closed"]
    assert hazard.events.get(kind="hazard.closed").data == {"on_time": True}
    assert sorted(hazard.photos.values_list("kind", flat=True)) == [HazardPhoto.Kind.AFTER, HazardPhoto.Kind.BEFORE]
    assert hazard.version == 5


def test_a_rejected_hazard_needs_a_reason_and_ends_there(make_hazard, users):
    hazard = make_hazard()
    with pytest.raises(services.HazardError, match="必须说明理由"):
        services.hazard_reject(hazard=hazard, actor=users["cadre"], reason=" ")
    services.hazard_reject(hazard=hazard, actor=users["cadre"], reason="现场核查，杂物为临时装卸")

    hazard.refresh_from_db()
    assert hazard.state == State.REJECTED and hazard.closed_at is not None
    with pytest.raises(services.NotAllowed, match="不予核实"):
        services.hazard_verify(hazard=hazard, actor=users["cadre"])


@pytest.mark.parametrize("who", ["worker", "mediator", "adviser"])
def test_those_who_do_not_supervise_cannot_verify(make_hazard, users, who):
    hazard = make_hazard()
    with pytest.raises(services.NotAllowed, match="无权"):
        services.hazard_verify(hazard=hazard, actor=users[who])
    assert hazard.events.count() == 1


@pytest.mark.parametrize("who", ["cadre", "leader", "admin"])
def test_village_town_and_county_supervisors_verify(make_hazard, users, who):
    hazard = services.hazard_verify(hazard=make_hazard(), actor=users[who])
    assert hazard.state == State.VERIFIED
    assert hazard.events.get(kind="hazard.verified").actor == users[who]


def test_a_hazard_cannot_be_closed_before_it_is_rectified(rectifying, users):
    hazard = rectifying()
    with pytest.raises(services.NotAllowed, match="当前状态为「整改中」，不能「验收销号」"):
        services.hazard_close(hazard=hazard, actor=users["cadre"])


def test_rectified_requires_an_after_photo(rectifying, users):
    hazard = rectifying()
    with pytest.raises(services.HazardError, match="整改后的照片"):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[])
    with pytest.raises(services.HazardError, match="只接受"):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo("after.jpg", b"GIF89a not ok")])

    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING and not hazard.photos.filter(kind="after").exists()


def test_a_failed_check_sends_it_back_and_counts_the_rework(rectifying, users):
    hazard = rectifying()
    with clock.travel(at(2026, 11, 4, 10, 0)):  # before the deadline: no rule moves it meanwhile
        for n in (1, 2):
            services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo()])
            services.hazard_rework(hazard=hazard, actor=users["cadre"], reason=f"第{n}次验收：通道仍有杂物")
        hazard.refresh_from_db()

        assert (hazard.state, hazard.rework_count) == (State.RECTIFYING, 2)
        assert [e.data["rework"] for e in hazard.events.filter(kind="hazard.reworked")] == [1, 2]
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo()])
        with pytest.raises(services.NotAllowed, match="无权"):  # a grid worker does not sign off their own work
            services.hazard_close(hazard=hazard, actor=users["worker"])


def test_an_extension_approved_by_the_town_moves_the_deadline_and_counts(rectifying, users):
    hazard = rectifying()
    new = services.end_of_day(at(2026, 11, 20).date())
    with clock.travel(at(2026, 11, 4, 10, 0)):
        services.hazard_request_extension(hazard=hazard, actor=users["worker"], new_deadline=new, reason="需更换消防门")
        with pytest.raises(services.NotAllowed, match="无权"):
            services.hazard_decide_extension(hazard=hazard, actor=users["cadre"], approve=True)
        with pytest.raises(services.HazardError, match="待审核"):
            services.hazard_request_extension(hazard=hazard, actor=users["cadre"], new_deadline=new, reason="再次")
        services.hazard_decide_extension(hazard=hazard, actor=users["leader"], approve=True, note="同意")

    hazard.refresh_from_db()
    assert (hazard.deadline, hazard.extension_count) == (new, 1)
    assert hazard.extensions.get().decision == ExtensionRequest.Decision.APPROVED
    assert kinds(hazard)[-2:] == ["hazard.extension_requested", "hazard.extension_approved"]


def test_a_refused_extension_needs_a_reason_and_changes_nothing(rectifying, users):
    hazard = rectifying()
    old = hazard.deadline
    with clock.travel(at(2026, 11, 3, 10, 0)):
        services.hazard_request_extension(hazard=hazard, actor=users["cadre"],
                                          new_deadline=services.end_of_day(at(2026, 12, 30).date()), reason="资金未到位")
        with pytest.raises(services.HazardError, match="必须说明理由"):
            services.hazard_decide_extension(hazard=hazard, actor=users["leader"], approve=False)
        services.hazard_decide_extension(hazard=hazard, actor=users["admin"], approve=False, note="期限内可完成")

    hazard.refresh_from_db()
    assert (hazard.deadline, hazard.extension_count) == (old, 0)
    assert hazard.events.filter(kind="hazard.extension_refused").count() == 1


def test_a_stale_version_is_refused_and_nothing_is_lost(make_hazard, users):
    hazard = make_hazard()
    services.hazard_verify(hazard=hazard, actor=users["leader"], expected_version=1)

    with pytest.raises(services.StaleHazard) as refused:
        services.hazard_reject(hazard=hazard, actor=users["cadre"], reason="重复上报", expected_version=1)

    assert [e.kind for e in refused.value.changes] == ["hazard.verified"]
    hazard.refresh_from_db()
    assert (hazard.state, hazard.version) == (State.VERIFIED, 2)
    assert not hazard.events.filter(kind="hazard.rejected").exists()


def test_the_event_log_is_append_only(make_hazard):
    event = make_hazard().events.get()
    for sql in ("UPDATE hazards_hazardevent SET reason = 'x' WHERE id = %s", "DELETE FROM hazards_hazardevent WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert HazardEvent.objects.filter(pk=event.pk, reason="").exists()


def test_one_pending_extension_per_hazard_in_the_database_too(rectifying, users):
    hazard = rectifying()
    row = dict(hazard=hazard, requested_at=clock.now(), new_deadline=clock.now(), reason="x")
    ExtensionRequest.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(**row)


def test_a_rework_may_set_a_new_deadline(rectifying, users):
    hazard = rectifying()
    new = services.end_of_day(at(2026, 11, 13).date())
    with clock.travel(at(2026, 11, 4, 10, 0)):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo()])
        services.hazard_rework(hazard=hazard, actor=users["leader"], reason="仍有隐患", deadline=new)
    hazard.refresh_from_db()

    assert (hazard.deadline, hazard.rework_count, hazard.rectified_at) == (new, 1, None)
    assert hazard.events.get(kind="hazard.reworked").data["deadline"][1] == new.isoformat()


def test_a_supervisor_escalates_by_hand_and_the_village_then_only_watches(make_hazard, users):
    hazard = make_hazard()
    with pytest.raises(services.NotAllowed):
        services.hazard_escalate(hazard=hazard, actor=users["worker"], reason="情况复杂")
    services.hazard_escalate(hazard=hazard, actor=users["cadre"], reason="涉及多户，需乡镇协调")
    hazard.refresh_from_db()

    assert (hazard.level, hazard.state) == ("town", State.REPORTED)
    with pytest.raises(services.NotAllowed, match="无权"):
        services.hazard_verify(hazard=hazard, actor=users["cadre"])
    services.hazard_escalate(hazard=hazard, actor=users["admin"], reason="重大", to_level="county")
    with pytest.raises(services.NotAllowed, match="不能再上报"):
        services.hazard_escalate(hazard=hazard, actor=users["admin"], reason="再报")
