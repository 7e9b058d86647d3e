"""Demo deliberation: in each demo village, topics in every state with their meetings, made through
the real services at simulated times (so the timelines, votes, reviews and measures are real).

Run by load_demo with its case step (never under `--cases none`); does nothing if topics exist.
"""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from geodata.models import Area
from gridcase.accounts.demo import DEMO_PASSWORD
from gridcase.accounts.models import User
from gridcase.deliberation import services
from gridcase.deliberation.models import AttendeeRole, Channel, ListItem, Source, State, SurveyResponse, Topic
from gridcase.lib import clock

# (title, list item code, description, the state the demo walks it to)
TOPICS = [
    ("修订村规民约中红白事操办条款", "G01", "群众反映红白事大操大办，建议在村规民约中明确标准。", State.COMPLETED),
    ("村东垃圾集中点随意倾倒问题", "G02", "村东路口垃圾点外溢，夏季异味大，需商定清运和管理办法。", State.COMPLETION_REPORTED),
    ("文化广场夜间广场舞音量管理", "R09", "广场舞音响音量过大影响周边居民休息。", State.EXECUTING),
    ("小区集中充电桩选址", "R03", "电动车楼道充电存在火灾隐患，居民要求增设集中充电桩。", State.EXECUTING),
    ("清理小区僵尸车", "R08", "小区内多辆长期停放的废弃车辆占用车位。", State.OBJECTED),
    ("楼道杂物集中清理方案", "R06", "部分楼道堆放杂物，影响消防通道。", State.PUBLICITY),
    ("儿童游乐设施维修", "G06", "中心广场滑梯损坏，存在安全隐患。", State.DECIDED),
    ("停车位划分与收费方案", "R01", "小区停车位不足，需商定划分和收费办法。", State.SCHEDULED),
    ("村口道路路灯增设", "G04", "村口至主干道无路灯，夜间出行不便。", State.ACCEPTED),
    ("公共绿地毁绿种菜整治", "R07", "公共绿地被个别住户开垦种菜。", State.COLLECTED),
    ("在集体林地新建私人养殖场", "G03", "个别村民提议占用集体林地建养殖场。", State.REJECTED),
    ("墙面小广告统一清理", "R10", "楼道及外墙小广告乱贴。", State.CLOSED),
]
VILLAGES = [("cadre", "adviser"), ("cadre2", "adviser2")]


def _supervisor(village: Area, suffix: str) -> User:
    user, created = User.objects.get_or_create(
        username=f"supervisor{suffix}",
        defaults={"first_name": f"{village.name}监督小组", "area": village, "password": make_password(DEMO_PASSWORD)})
    services.supervisor_add(village=village, user=user)
    return user


def _attendees(cadre: User, adviser: User, absent: int = 0) -> list[services.AttendeeInput]:
    people = [(AttendeeRole.COMMITTEE, cadre.get_full_name() or cadre.username), (AttendeeRole.COMMITTEE, "村委委员甲"),
              (AttendeeRole.ADVISER, adviser.get_full_name() or adviser.username), (AttendeeRole.GRID_WORKER, "网格员甲"),
              (AttendeeRole.MEDIATOR, "调解员甲"), (AttendeeRole.LEGAL_LITERATE, "法律明白人甲"),
              (AttendeeRole.REPRESENTATIVE, "群众代表甲"), (AttendeeRole.REPRESENTATIVE, "群众代表乙"),
              (AttendeeRole.REPRESENTATIVE, "群众代表丙")]
    return [services.AttendeeInput(role=role, name=name, present=i < len(people) - absent)
            for i, (role, name) in enumerate(people)]


ORDER = [State.COLLECTED, State.ACCEPTED, State.SCHEDULED, State.DECIDED, State.PUBLICITY, State.EXECUTING,
         State.COMPLETION_REPORTED, State.COMPLETED]


def _reached(target: str, step: str) -> bool:
    chain = {State.OBJECTED: State.PUBLICITY, State.CLOSED: State.PUBLICITY}.get(target, target)
    return chain in ORDER and ORDER.index(chain) >= ORDER.index(step)


def _walk(topic: Topic, target: str, *, cadre, adviser, supervisor, meeting, start) -> None:
    at = start

    def step(days: float):
        nonlocal at
        at += timedelta(days=days)
        return clock.travel(at)

    if target == State.REJECTED:
        with step(1):
            services.topic_reject(topic=topic, actor=cadre, reason="占用集体林地建设私人养殖场违反土地管理法，不宜作为议题。")
        return
    if not _reached(target, State.ACCEPTED):
        return
    with step(1):
        services.topic_accept(topic=topic, actor=cadre)
    if not _reached(target, State.SCHEDULED):
        return
    with step(1):
        item = services.meeting_add_topic(meeting=meeting, actor=cadre, topic=topic)
    if not _reached(target, State.DECIDED):
        return
    passed = target != State.CLOSED
    with clock.travel(meeting.held_at + timedelta(hours=1)):
        services.minutes_record(item=item, actor=cadre,
                                discussion=f"与会人员围绕“{topic.title}”逐一发表意见，法律顾问解读相关法律规定。",
                                decision="同意实施，由村委会牵头落实。" if passed else "暂不实施，待条件成熟后再议。",
                                votes_for=7 if passed else 2, votes_against=1 if passed else 5, votes_abstain=0)
    at = meeting.held_at + timedelta(hours=2)
    if not _reached(target, State.PUBLICITY):
        return
    with step(1):
        services.legal_review(topic=topic, actor=adviser, approve=True, opinion="议定事项符合《村民委员会组织法》等规定，程序合法。")
    if target == State.OBJECTED:
        with step(2):
            services.objection_lodge(topic=topic, text="清理前应先张贴通知，联系车主。", ip="203.0.113.7")
        return
    if target == State.PUBLICITY:
        return
    with step(8):
        services.publicity_end(topic_id=topic.pk)
    if target == State.CLOSED:
        return
    # One topic under execution is past its deadline, to show the overdue reminder.
    overdue = target == State.EXECUTING and topic.list_item.code == "R03"
    with step(1):
        services.topic_assign(topic=topic, actor=cadre, responsible=cadre, responsible_name="",
                              deadline=(at + timedelta(days=3 if overdue else 90)).date())
    with step(3):
        services.progress_add(topic=topic, actor=cadre, note="已召开专题会部署，相关工作正在推进。")
    if target == State.EXECUTING:
        return
    with step(5):
        services.completion_report(topic=topic, actor=cadre, note="议定事项已全部落实。")
    if target == State.COMPLETION_REPORTED:
        return
    with step(2):
        services.completion_confirm(topic=topic, actor=supervisor, note="经现场查看，确已完成。")
    with step(3):
        for rating in ["satisfied"] * 8 + ["fairly", "dissatisfied"]:
            services.survey_record(topic=topic, actor=cadre, respondent=SurveyResponse.Respondent.RESIDENT, rating=rating)


@transaction.atomic
def build(*, log=print) -> int:
    """Topics in every state for each demo village; returns how many were made."""
    if Topic.objects.exists():
        log("已有议题，不再生成演示议事数据。")
        return 0
    items = {item.code: item for item in ListItem.objects.all()}
    today = clock.now()
    made = 0
    for suffix, (cadre_name, adviser_name) in zip(["", "2"], VILLAGES, strict=True):
        cadre, adviser = User.objects.get(username=cadre_name), User.objects.get(username=adviser_name)
        village = cadre.area
        supervisor = _supervisor(village, suffix)
        start = today - timedelta(days=60)
        with clock.travel(start):
            meeting = services.meeting_create(
                actor=cadre, village=village, held_at=start + timedelta(days=3), place=f"{village.name}党群服务中心议事厅",
                location=village.geom.point_on_surface, recorder="村委委员甲", attendees=_attendees(cadre, adviser, 1))
            services.meeting_create(actor=cadre, village=village, held_at=today + timedelta(days=10),
                                    place=f"{village.name}文化广场（广场议事）", attendees=_attendees(cadre, adviser))
        for i, (title, code, description, target) in enumerate(TOPICS):
            with clock.travel(start + timedelta(hours=i)):
                topic = services.topic_propose(
                    actor=cadre, village=village, title=title, list_item=items[code], description=description,
                    source=Source.MEMBER,
                    channel=[Channel.VISIT, Channel.WECHAT, Channel.WALK_IN][i % 3], proposer_name="村民" + "甲乙丙丁"[i % 4])
            _walk(topic, target, cadre=cadre, adviser=adviser, supervisor=supervisor, meeting=meeting, start=start)
            made += 1
        with clock.travel(start + timedelta(days=2)):
            urgent = services.topic_propose(actor=cadre, village=village, title="汛期低洼地段排涝", list_item=items["G04"],
                                            description="暴雨预警，低洼地段积水需立即商定排涝措施。", channel=Channel.PHONE)
            services.topic_fast_track(topic=urgent, actor=cadre, reason="汛期排涝刻不容缓，急事急议。")
        made += 1
        log(f"  演示议事：{village.name} {len(TOPICS) + 1} 个议题")
    return made

