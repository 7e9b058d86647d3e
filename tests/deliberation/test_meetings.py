"""Meetings: convened by the village's leading group at a place inside the village, with attendance;
minutes with votes that cannot exceed the members present."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point

from gridcase.deliberation import services
from gridcase.deliberation.models import State
from gridcase.lib import clock
from tests.deliberation.conftest import present_count

pytestmark = pytest.mark.django_db


def attendees(*rows):
    return [services.AttendeeInput(role=role, name=name, present=present) for role, name, present in rows]


@pytest.mark.parametrize("votes,error", [
    ((4, 1, 1), "超过出席人数 5"),
    ((6, 0, 0), "超过出席人数 5"),
    ((-1, 0, 0), "负数"),
])
def test_votes_beyond_those_present_are_refused_and_nothing_is_recorded(make_topic, users, votes, error):
    topic = make_topic(State.SCHEDULED)
    item = topic.agenda_items.get()
    with pytest.raises(services.DeliberationError, match=error):
        services.minutes_record(item=item, actor=users["cadre"], discussion="讨论", decision="决定",
                                votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2])
    item.refresh_from_db()
    topic.refresh_from_db()
    assert not item.recorded and topic.state == State.SCHEDULED


@pytest.mark.parametrize("votes_for,passed", [(3, True), (2, False)])
def test_a_decision_passes_with_more_than_half_of_those_present(make_topic, users, votes_for, passed):
    assert present_count() == 5
    topic = make_topic(State.SCHEDULED)
    topic = services.minutes_record(item=topic.agenda_items.get(), actor=users["cadre"], discussion="讨论",
                                    decision="决定", votes_for=votes_for, votes_against=5 - votes_for, votes_abstain=0)
    assert topic.state == State.DECIDED and topic.decision.passed is passed and topic.decision.present == 5


def test_minutes_need_somebody_present(users, village, make_topic):
    meeting = services.meeting_create(actor=users["cadre"], village=village, held_at=clock.now(), place="村部",
                                      attendees=attendees(("committee", "王书记", False)))
    topic = make_topic(State.ACCEPTED)
    item = services.meeting_add_topic(meeting=meeting, actor=users["cadre"], topic=topic)
    with pytest.raises(services.DeliberationError, match="出席"):
        services.minutes_record(item=item, actor=users["cadre"], discussion="d", decision="d", votes_for=0,
                                votes_against=0, votes_abstain=0)


def test_the_meeting_place_must_be_inside_the_village(users, village, other_village):
    outside = other_village.geom.point_on_surface
    with pytest.raises(services.DeliberationError, match="不在"):
        services.meeting_create(actor=users["cadre"], village=village, held_at=clock.now(), place="村部",
                                location=outside, attendees=attendees(("committee", "王书记", True)))
    inside = village.geom.point_on_surface
    meeting = services.meeting_create(actor=users["cadre"], village=village, held_at=clock.now(), place="村部",
                                      location=Point(inside.x, inside.y, srid=4326),
                                      attendees=attendees(("committee", "王书记", True), ("representative", "周代表", False)))
    assert meeting.location.equals(inside) and meeting.attendees.filter(present=True).count() == 1


def test_only_the_villages_cadres_convene_and_change_meetings(users, village, meeting):
    for name in ("cadre2", "worker", "adviser", "leader"):
        with pytest.raises(services.NotAllowed):
            services.meeting_create(actor=users[name], village=village, held_at=clock.now(), place="村部",
                                    attendees=attendees(("committee", "王书记", True)))
    with pytest.raises(services.NotAllowed):
        services.meeting_update(meeting=meeting, actor=users["cadre2"], expected_version=meeting.version,
                                held_at=clock.now(), place="x", attendees=attendees(("committee", "王书记", True)))


def test_attendance_is_changed_with_the_version_seen(users, meeting):
    seen = meeting.version
    services.meeting_update(meeting=meeting, actor=users["cadre"], expected_version=seen,
                            held_at=clock.now() + timedelta(days=1), place="文化广场",
                            attendees=attendees(("committee", "王书记", True), ("adviser", "李律师", False)))
    meeting.refresh_from_db()
    assert meeting.place == "文化广场" and meeting.attendees.filter(present=False).get().name == "李律师"
    with pytest.raises(services.StaleMeeting):
        services.meeting_update(meeting=meeting, actor=users["cadre"], expected_version=seen, held_at=clock.now(),
                                place="村部", attendees=attendees(("committee", "王书记", True)))


def test_only_the_villages_own_accepted_topics_go_on_the_agenda(users, make_topic, other_village, item):
    collected = make_topic(State.COLLECTED)
    meeting = services.meeting_create(actor=users["cadre"], village=users["cadre"].area, held_at=clock.now(),
                                      place="村部", attendees=attendees(("committee", "王书记", True)))
    with pytest.raises(services.NotAllowed, match="待审议"):
        services.meeting_add_topic(meeting=meeting, actor=users["cadre"], topic=collected)
    theirs = services.topic_propose(actor=users["cadre2"], village=other_village, title="他村议题", list_item=item)
    services.topic_accept(topic=theirs, actor=users["cadre2"])
    with pytest.raises(services.NotAllowed):
        services.meeting_add_topic(meeting=meeting, actor=users["cadre"], topic=theirs)


def test_a_topic_taken_off_the_agenda_is_waiting_for_a_meeting_again(users, make_topic):
    topic = make_topic(State.SCHEDULED)
    topic = services.meeting_remove_topic(item=topic.agenda_items.get(), actor=users["cadre"])
    assert topic.state == State.ACCEPTED and not topic.agenda_items.exists()


def test_minutes_and_votes_wait_until_the_meeting_has_taken_place(users, village, make_topic, login):
    topic = make_topic(State.ACCEPTED)
    ahead = services.meeting_create(actor=users["cadre"], village=village, held_at=clock.now() + timedelta(days=10),
                                    place="村部会议室", attendees=attendees(("committee", "王书记", True)))
    agenda = services.meeting_add_topic(meeting=ahead, actor=users["cadre"], topic=topic)

    with pytest.raises(services.DeliberationError, match="会议召开后才能记录议事结果和表决"):
        services.minutes_record(item=agenda, actor=users["cadre"], discussion="同意", decision="清理", votes_for=1,
                                votes_against=0, votes_abstain=0)
    topic.refresh_from_db()
    agenda.refresh_from_db()
    assert topic.state == State.SCHEDULED and agenda.recorded_at is None
    page = login("cadre").get(f"/deliberation/meetings/{ahead.pk}/").content.decode()
    assert "会议召开后才能记录议事结果和表决" in page and "保存议事结果" not in page


def test_a_meeting_with_minutes_cannot_move_into_the_future_nor_be_publicised_before_it(users, make_topic):
    topic = make_topic(State.DECIDED)
    meeting = topic.decision.meeting
    with pytest.raises(services.DeliberationError, match="召开时间不能改到将来"):
        services.meeting_update(meeting=meeting, actor=users["cadre"], expected_version=meeting.version,
                                held_at=clock.now() + timedelta(days=10), place=meeting.place,
                                attendees=attendees(("committee", "王书记", True)))
    # A meeting dated ahead by an earlier version, say: its decision is not publicised before it.
    type(meeting).objects.filter(pk=meeting.pk).update(held_at=clock.now() + timedelta(days=10))
    with pytest.raises(services.DeliberationError, match="尚未召开，不能开始公示"):
        services.legal_review(topic=topic, actor=users["adviser"], approve=True, opinion="")
    topic.refresh_from_db()
    assert topic.state == State.DECIDED and topic.publicity_started_at is None
