"""/api/v1/topics/ and /api/v1/meetings/: 援法议事 topics (the actions of the topic page, through
gridcase.deliberation.actions, for whoever wears the hat the workflow names) and meetings with their
attendance and minutes — visible as on the pages (the jurisdiction and the oversight groups)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridcase.api.conditional import ConditionalList, conditional_get, content_etag, version_etag
from gridcase.api.filters import by_choice, by_time, time_parameters
from gridcase.api.pagination import IdCursorPagination
from gridcase.api.transitions import Transition, refuse, transition_schema
from gridcase.deliberation import permissions, selectors
from gridcase.deliberation.actions import ACTIONS, form_for
from gridcase.deliberation.models import AgendaItem, Attendee, Meeting, State, Topic, TopicEvent


class TopicSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    list_item = serializers.CharField(source="list_item.code", read_only=True)
    list_item_name = serializers.CharField(source="list_item.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "title", "village", "village_name", "list_item", "list_item_name", "source", "state",
                  "state_label", "fast_track", "registered_at", "decided_at", "publicity_started_at",
                  "publicity_ends_at", "execution_deadline", "completed_at", "updated_at", "version"]


class TopicDetailSerializer(TopicSerializer):
    responsible = serializers.CharField(source="responsible_name", read_only=True)
    decision = serializers.CharField(source="decision.decision", default=None, allow_null=True, read_only=True)
    meeting = serializers.IntegerField(source="decision.meeting_id", default=None, allow_null=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "description", "place", "channel", "proposer_phone_masked", "reason",
                  "responsible", "decision", "meeting", "allowed_actions"]

    def get_allowed_actions(self, topic) -> list[str]:
        return permissions.allowed_actions(self.context["request"].user, topic)


class TopicEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = TopicEvent
        fields = ["id", "kind", "label", "at", "actor", "from_state", "to_state", "version", "reason", "data"]


class MeetingSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    lon = serializers.FloatField(source="location.x", default=None, allow_null=True, read_only=True)
    lat = serializers.FloatField(source="location.y", default=None, allow_null=True, read_only=True)
    topics = serializers.IntegerField(read_only=True, help_text="议程上的议题数")

    class Meta:
        model = Meeting
        fields = ["id", "village", "village_name", "held_at", "place", "lon", "lat", "recorder", "topics", "version"]


class AttendeeSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Attendee
        fields = ["role", "role_label", "name", "present"]


class AgendaItemSerializer(serializers.ModelSerializer):
    topic_title = serializers.CharField(source="topic.title", read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["order", "topic", "topic_title", "discussion", "decision", "present", "votes_for", "votes_against",
                  "votes_abstain", "passed", "recorded_at"]


class MeetingDetailSerializer(MeetingSerializer):
    attendees = AttendeeSerializer(many=True, read_only=True)
    present = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendees", "present", "agenda"]

    def get_present(self, meeting) -> int:
        return sum(a.present for a in meeting.attendees.all())

    def get_agenda(self, meeting) -> list[dict]:
        items = meeting.agenda.select_related("topic").order_by("order", "id")
        return AgendaItemSerializer(items, many=True).data


def _topic(request, topic: Topic) -> dict:
    return TopicDetailSerializer(topic, context={"request": request}).data


WINDOWS = {"registered_after": "registered_at__gte", "registered_before": "registered_at__lt",
           "updated_after": "updated_at__gte"}


class TopicList(generics.ListAPIView):
    """Topics the caller may see (their jurisdiction's villages and those whose oversight group they sit on)."""

    serializer_class = TopicSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        topics = permissions.topics_visible_to(user=self.request.user).select_related("village", "list_item").defer(
            "village__geom")
        topics = by_choice(self.request, by_time(self.request, topics, WINDOWS), {"state": ("state", State.values)})
        if village := self.request.query_params.get("village"):
            topics = topics.filter(village_code=village)
        if self.request.query_params.get("fast_track") == "1":
            topics = topics.filter(fast_track=True)
        return topics

    @extend_schema(operation_id="topics_list", parameters=[
        *time_parameters(WINDOWS), OpenApiParameter("state", str, enum=State.values),
        OpenApiParameter("village", str, description="村(社区)代码"), OpenApiParameter("fast_track", str, enum=["1"])])
    def get(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        return conditional_get(request, response.data, content_etag(response.data))


class TopicDetail(APIView):
    serializer_class = TopicDetailSerializer

    def get(self, request, topic_id):
        topic = permissions.topic_for_user(request.user, topic_id)
        return conditional_get(request, _topic(request, topic), version_etag(topic.version))


class TopicTransition(Transition):
    """POST /topics/{id}/transitions/{name}: the actions of the topic page, with the fields of its form
    (accept, resume_publicity, confirm_completion: note; fast_track, reject, redeliberate, report_completion,
    reject_completion: reason; approve, require_change: opinion; assign: responsible (a user id of the
    village) or responsible_name, deadline (date); progress: note, photos (multipart, optional, several);
    survey: respondent, rating, note). Who may take each is the workflow's hat: the village's leading
    group, the town's legal adviser, the oversight group, the responsible person."""

    actions = ACTIONS

    def load(self, request, pk):
        return permissions.topic_for_user(request.user, pk)

    def make_form(self, topic, name, data, files):
        return form_for(name, topic, data, files)

    def refusal(self, user, topic, name):
        return refuse(may=permissions.may(user, topic, name), allowed=permissions.state_allows(topic, name),
                      allowed_now=permissions.allowed_actions(user, topic))

    def respond(self, request, topic):
        return Response(_topic(request, topic))

    @transition_schema(ACTIONS, TopicDetailSerializer)
    def post(self, request, topic_id, name):
        return self.transition(request, topic_id, name)


class TopicEvents(ConditionalList, generics.ListAPIView):
    """The topic's timeline (append-only), oldest first."""

    serializer_class = TopicEventSerializer
    pagination_class = type("TopicTimelinePagination", (IdCursorPagination,), {"ordering": "id"})

    def get_queryset(self):
        return selectors.timeline(topic=permissions.topic_for_user(self.request.user, self.kwargs["topic_id"]))


class MeetingList(ConditionalList, generics.ListAPIView):
    """The 议事会 of the villages the caller may see, latest first."""

    serializer_class = MeetingSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)


class MeetingDetail(APIView):
    """One meeting with its attendance and, per agenda item, the minutes and the vote."""

    serializer_class = MeetingDetailSerializer

    def get(self, request, meeting_id):
        meeting = permissions.meeting_for_user(request.user, meeting_id)
        meeting.topics = meeting.agenda.count()
        data = MeetingDetailSerializer(meeting).data
        # Minutes are recorded without a new meeting version: the tag covers the content.
        return conditional_get(request, data, content_etag(data))
