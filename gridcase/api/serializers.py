"""What the API shows of each resource and accepts as input. Reads are GeoJSON where there is a
place; writes go through the same services (and for case actions the same forms) as the pages."""

from django.contrib.gis.geos import Point
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gridcase.cases import permissions as case_permissions
from gridcase.cases.models import Agreement, Case, CaseEvent, Category, FollowUp, MediationSession, Party, Risk, Source
from gridcase.notifications.models import Notification


class PartySerializer(serializers.ModelSerializer):
    """Parties as the lists show them: ID numbers and phones masked (the full ones are only in the
    pages of those who handle the case, and every such view is logged)."""

    class Meta:
        model = Party
        fields = ["role", "name", "id_number_masked", "phone_masked"]


class CaseFeatureSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    grid = serializers.CharField(source="area_code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Case
        geo_field = "location"
        fields = ["id", "number", "title", "category", "category_name", "people_involved", "risk", "violence_risk",
                  "source", "grid", "level", "level_label", "state", "state_label", "deadline", "registered_at",
                  "accepted_at", "closed_at", "updated_at", "version"]


class CaseDetailSerializer(CaseFeatureSerializer):
    parties = PartySerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseFeatureSerializer.Meta):
        fields = [*CaseFeatureSerializer.Meta.fields, "narrative", "amount", "referred_to", "parties",
                  "allowed_actions"]

    def get_allowed_actions(self, case) -> list[str]:
        return case_permissions.allowed_actions(self.context["request"].user, case)


class PartyInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Party.Role.choices, default=Party.Role.APPLICANT)
    name = serializers.CharField(max_length=50)
    id_number = serializers.RegexField(r"^\d{17}[\dXx]$", required=False, allow_blank=True)
    phone = serializers.RegexField(r"^[\d\-+ ]{7,20}$", required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CaseCreateSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, help_text="手机端生成的编号：重复提交返回同一案件")
    title = serializers.CharField(max_length=200)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(active=True))
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="WGS-84 经度")
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="WGS-84 纬度")
    people_involved = serializers.IntegerField(min_value=1, max_value=100_000, default=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    risk = serializers.ChoiceField(choices=Risk.choices, default=Risk.GENERAL)
    violence_risk = serializers.BooleanField(default=False)
    source = serializers.ChoiceField(choices=Source.choices, default=Source.GRID_WORKER)
    parties = PartyInputSerializer(many=True, required=False, default=list)

    def point(self) -> Point:
        return Point(self.validated_data["lon"], self.validated_data["lat"], srid=4326)


class CaseUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(active=True),
                                            required=False)
    narrative = serializers.CharField(required=False, allow_blank=True)
    people_involved = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    risk = serializers.ChoiceField(choices=Risk.choices, required=False)
    violence_risk = serializers.BooleanField(required=False)
    source = serializers.ChoiceField(choices=Source.choices, required=False)


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "label", "at", "actor", "from_state", "to_state", "reason", "data"]


class TransitionSerializer(serializers.Serializer):
    """The fields each action takes are those of its form on the case page (see the schema's description)."""

    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class SessionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = MediationSession
        fields = ["id", "held_on", "place", "attendees", "content", "recorded_by", "recorded_at"]


class AgreementSerializer(serializers.ModelSerializer):
    performance_label = serializers.CharField(source="get_performance_display", read_only=True)
    judicial_confirmation_label = serializers.CharField(source="get_judicial_confirmation_display", read_only=True)

    class Meta:
        model = Agreement
        fields = ["signed_on", "terms", "performance", "performance_label", "performance_due",
                  "judicial_confirmation", "judicial_confirmation_label"]


class FollowUpSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "visited_on", "method", "satisfaction", "recurred", "note", "recorded_by"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
