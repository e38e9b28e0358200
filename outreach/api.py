"""The outreach API: RT volunteers log sessions, child-care groups and Forum Anak activities in
their own RTs; agency readers (officer, supervisor, head) read them all. The agency
(RECORD_AGENCY_OUTREACH) logs Forum Anak activities of the city, a kecamatan or a kelurahan, and
registers partner organisations and their activities.

Every object is loaded through outreach.access and every write goes through outreach.services;
the serializers only check types and ranges, then ask the service's `*_input_errors` for the
rules, so the form, the API and the service refuse the same input with the same message.
"""

from dataclasses import fields

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.capabilities import Capability, user_can
from accounts.permissions import HasCapability
from areas.models import RT, Kecamatan, Kelurahan
from core.api import ERRORS_400, MISSING_404, PAGE_404, FlatListField, paginated

from . import services
from .access import (
    access_group,
    access_partner,
    access_session,
    forum_activities_for,
    groups_for,
    partners_for,
    session_editable,
    sessions_for,
    volunteer_rts,
)
from .choices import (
    COUNT_MAX,
    DURATION_MAX_MINUTES,
    LONG_TEXT,
    SHORT_TEXT,
    ForumLevel,
    PartnerActivityKind,
    PartnerKind,
    Topic,
)
from .models import OutreachPhoto
from .selectors import partner_activities

DENIED_403 = OpenApiResponse(description="Not logged in, second factor not given, or a role without access.")


class VolunteersWrite(BasePermission):
    """Readers read; only RT volunteers log and change outreach records (the services say which RTs)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or user_can(request.user, Capability.LOG_OUTREACH)


class OutreachAPIView(APIView):
    permission_classes = [
        HasCapability.of(Capability.LOG_OUTREACH) | HasCapability.of(Capability.READ_OUTREACH),
        VolunteersWrite,
    ]


class ForumWrite(BasePermission):
    """Readers read; volunteers and the agency log Forum Anak activities (the service says where)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or any(
            user_can(request.user, capability)
            for capability in (Capability.LOG_OUTREACH, Capability.RECORD_AGENCY_OUTREACH)
        )


class AgencyWrites(BasePermission):
    """Readers read; only the agency registers partners and their activities."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or user_can(request.user, Capability.RECORD_AGENCY_OUTREACH)


class OutreachListAPIView(OutreachAPIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    def paginated(self, queryset, serializer_class, context) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)


# --- Input -------------------------------------------------------------------------------------


def count_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=COUNT_MAX, **kwargs)


def optional_text(max_length: int = SHORT_TEXT) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="")


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$", "example": "16:00"}
)
class LocalTimeField(serializers.TimeField):
    """A time of day in Balikpapan (WITA), without an offset: "16:00" or "16:00:00". The schema's
    `format: time` would be RFC 3339's full-time, which requires an offset that these never carry."""


def topics_field(**kwargs) -> serializers.ListField:
    return FlatListField(child=serializers.ChoiceField(Topic.choices), **kwargs)


def rt_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=RT.objects.select_related("kelurahan__kecamatan"), help_text="The RT's id: one of your own RTs."
    )


class ServiceInputSerializer(serializers.Serializer):
    """Types and ranges here; every other rule in the service's `*_input_errors`.

    Free text may be blank at this level so that the service gives its own message for it.
    On PATCH the serializer holds the record as `instance`: what the request leaves out keeps
    its current value, and the rules are checked on the whole result.
    """

    input_class: type
    input_errors: staticmethod

    def validate(self, attrs):
        errors = self.input_errors(self.to_input(attrs), today=timezone.localdate())
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_input(self, attrs):
        names = [field.name for field in fields(self.input_class)]
        values = {name: getattr(self.instance, name) for name in names} if self.instance is not None else {}
        values.update((name, attrs[name]) for name in names if name in attrs)
        return self.input_class(**values)


class SessionInputSerializer(ServiceInputSerializer):
    input_class = services.SessionInput
    input_errors = staticmethod(services.session_input_errors)

    rt = rt_field()
    held_on = serializers.DateField()
    start_time = LocalTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=DURATION_MAX_MINUTES)
    topics = topics_field(help_text='At least one; with "lainnya", say what in other_topic.')
    other_topic = optional_text()
    facilitators = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
    boys = count_field(required=False, default=0)
    girls = count_field(required=False, default=0)
    men = count_field(required=False, default=0)
    women = count_field(required=False, default=0)
    materials = optional_text()
    notes = optional_text(LONG_TEXT)


class GroupInputSerializer(ServiceInputSerializer):
    input_class = services.GroupInput
    input_errors = staticmethod(services.group_input_errors)

    rt = rt_field()
    name = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
    formed_on = serializers.DateField()
    members = count_field(required=False, default=0)
    contact_person = optional_text()
    active = serializers.BooleanField(required=False, default=True)
    last_activity_on = serializers.DateField(required=False, allow_null=True, default=None)


class DateRangeFilterSerializer(serializers.Serializer):
    rt = serializers.IntegerField(required=False, min_value=1, help_text="Only this RT (its id).")
    from_date = serializers.DateField(required=False, help_text="Held on or after this date (YYYY-MM-DD).")
    to = serializers.DateField(required=False, help_text="Held on or before this date (YYYY-MM-DD).")

    def get_fields(self):
        # `from` is what clients send, and a keyword in Python.
        declared = super().get_fields()
        declared["from"] = declared.pop("from_date")
        return declared

    def apply(self, queryset):
        filters = self.validated_data
        if "rt" in filters:
            queryset = queryset.filter(rt_id=filters["rt"])
        if "from" in filters:
            queryset = queryset.filter(held_on__gte=filters["from"])
        if "to" in filters:
            queryset = queryset.filter(held_on__lte=filters["to"])
        return queryset


def filtered(request, queryset):
    date_range = DateRangeFilterSerializer(data=request.query_params)
    date_range.is_valid(raise_exception=True)
    return date_range.apply(queryset)


# --- Output ------------------------------------------------------------------------------------


class PlacedOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    rt = serializers.IntegerField(source="rt_id", help_text="The RT's id.")
    rt_label = serializers.CharField(source="rt", help_text='e.g. "RT 001, Gunung Samarinda"')
    kelurahan = serializers.CharField(source="rt.kelurahan.name")
    kecamatan = serializers.CharField(source="rt.kelurahan.kecamatan.name")


@extend_schema_serializer(component_name="OutreachSession")
class SessionOutputSerializer(PlacedOutputSerializer):
    held_on = serializers.DateField()
    start_time = LocalTimeField()
    duration_minutes = serializers.IntegerField()
    topics = topics_field()
    other_topic = serializers.CharField()
    facilitators = serializers.CharField()
    boys = serializers.IntegerField()
    girls = serializers.IntegerField()
    men = serializers.IntegerField()
    women = serializers.IntegerField()
    children = serializers.IntegerField()
    adults = serializers.IntegerField()
    materials = serializers.CharField()
    notes = serializers.CharField()
    photos = serializers.SerializerMethodField(help_text="How many photos the session has.")
    logged_at = serializers.DateTimeField()
    editable = serializers.SerializerMethodField(help_text="Whether you may still change it (PUT/PATCH).")

    def get_photos(self, session) -> int:
        return len(session.photos.all())

    def get_editable(self, session) -> bool:
        return session_editable(session, user=self.context["request"].user, now=self.context["now"])

    @staticmethod
    def context_for(request) -> dict:
        return {"request": request, "now": timezone.now()}


@extend_schema_serializer(component_name="OutreachGroup")
class GroupOutputSerializer(PlacedOutputSerializer):
    name = serializers.CharField()
    formed_on = serializers.DateField()
    members = serializers.IntegerField()
    active = serializers.BooleanField()
    last_activity_on = serializers.DateField(allow_null=True)
    has_contact = serializers.SerializerMethodField()
    contact_person = serializers.CharField(
        required=False, help_text="Only in answers to a volunteer of the group's RT."
    )

    def get_has_contact(self, group) -> bool:
        return bool(group.contact_person)

    def to_representation(self, group):
        data = super().to_representation(group)
        if group.rt_id not in self.context["contact_rts"]:
            del data["contact_person"]
        return data

    @staticmethod
    def context_for(request) -> dict:
        # The contact person is identifying: only the group's own volunteers see it.
        return {"request": request, "contact_rts": set(volunteer_rts(request.user).values_list("pk", flat=True))}


@extend_schema_serializer(component_name="OutreachForumActivity")
class ForumActivityOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    level = serializers.ChoiceField(ForumLevel.choices)
    place = serializers.CharField(
        source="place_label", help_text='Where it happened, e.g. "Kota Balikpapan", "Kecamatan Balikpapan Timur".'
    )
    kecamatan_id = serializers.IntegerField(allow_null=True, help_text="The kecamatan's id (kecamatan level only).")
    kelurahan_id = serializers.IntegerField(allow_null=True, help_text="The kelurahan's id (kelurahan level only).")
    rt = serializers.IntegerField(source="rt_id", allow_null=True, help_text="The RT's id (RT level only).")
    rt_label = serializers.SerializerMethodField(help_text='e.g. "RT 001, Gunung Samarinda" (RT level only).')
    kelurahan = serializers.SerializerMethodField(help_text="The kelurahan's name (kelurahan and RT level).")
    kecamatan = serializers.SerializerMethodField(help_text="The kecamatan's name (every level but the city).")
    held_on = serializers.DateField()
    title = serializers.CharField()
    children = serializers.IntegerField()
    topics = topics_field()
    other_topic = serializers.CharField()
    suggestions = serializers.CharField()
    logged_at = serializers.DateTimeField()

    def get_rt_label(self, activity) -> str | None:
        return str(activity.rt) if activity.rt_id else None

    def get_kelurahan(self, activity) -> str | None:
        kelurahan = activity.kelurahan or (activity.rt.kelurahan if activity.rt_id else None)
        return kelurahan.name if kelurahan else None

    def get_kecamatan(self, activity) -> str | None:
        kecamatan = (
            activity.kecamatan
            or (activity.kelurahan.kecamatan if activity.kelurahan_id else None)
            or (activity.rt.kelurahan.kecamatan if activity.rt_id else None)
        )
        return kecamatan.name if kecamatan else None


@extend_schema_serializer(component_name="OutreachPartner")
class PartnerOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    kind = serializers.ChoiceField(PartnerKind.choices)
    contact_person = serializers.CharField(help_text="Name and phone number (agency readers only).")
    agreement = serializers.CharField(help_text="MoU/PKS number, if any.")
    active = serializers.BooleanField()
    activity_count = serializers.IntegerField(help_text="How many activities it has logged, ever.")
    registered_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="OutreachPartnerActivity")
class PartnerActivityOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(PartnerActivityKind.choices)
    title = serializers.CharField()
    kecamatan_id = serializers.IntegerField(allow_null=True, help_text="The kecamatan's id; null for the whole city.")
    kecamatan = serializers.CharField(source="kecamatan.name", allow_null=True, default=None)
    children_reached = serializers.IntegerField()
    notes = serializers.CharField()
    logged_at = serializers.DateTimeField()


# --- Sessions ----------------------------------------------------------------------------------


class SessionListLogAPI(OutreachListAPIView):
    @extend_schema_serializer(component_name="OutreachSessionLogInput")
    class InputSerializer(SessionInputSerializer):
        photos = FlatListField(
            child=serializers.FileField(), required=False, default=list, help_text="Photos (multipart only)."
        )

    @extend_schema(
        operation_id="outreach_session_list",
        parameters=[DateRangeFilterSerializer],
        responses={200: SessionOutputSerializer(many=True), 400: ERRORS_400, 403: DENIED_403, 404: PAGE_404},
        summary="Socialisation sessions you can see, newest first",
    )
    def get(self, request):
        sessions = sessions_for(request.user).prefetch_related(
            # Only counted: never load (and decrypt) the stored names.
            Prefetch("photos", queryset=OutreachPhoto.objects.only("pk", "session_id"))
        )
        context = SessionOutputSerializer.context_for(request)
        return self.paginated(filtered(request, sessions), SessionOutputSerializer, context)

    @extend_schema(
        operation_id="outreach_session_log",
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={201: SessionOutputSerializer, 400: ERRORS_400, 403: DENIED_403},
        summary="Log a socialisation session in one of your RTs (volunteers)",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.outreach_session_log(
            data=serializer.to_input(serializer.validated_data),
            photos=serializer.validated_data["photos"],
            acting_user=request.user,
        )
        output = SessionOutputSerializer(
            access_session(request.user, session.uuid), context=SessionOutputSerializer.context_for(request)
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


class SessionDetailAPI(OutreachAPIView):
    @extend_schema_serializer(component_name="OutreachSessionUpdateInput")
    class InputSerializer(SessionInputSerializer):
        pass

    @extend_schema(
        operation_id="outreach_session_detail",
        responses={200: SessionOutputSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="One socialisation session",
    )
    def get(self, request, uuid):
        session = access_session(request.user, uuid)
        return Response(SessionOutputSerializer(session, context=SessionOutputSerializer.context_for(request)).data)

    @extend_schema(
        operation_id="outreach_session_update",
        request=InputSerializer,
        responses={
            200: SessionOutputSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Change a session you logged, within 7 days (code session_locked after)",
    )
    def put(self, request, uuid):
        return self.update(request, uuid, partial=False)

    @extend_schema(
        operation_id="outreach_session_partial_update",
        request=InputSerializer,
        responses={
            200: SessionOutputSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Change some fields of a session you logged, within 7 days",
    )
    def patch(self, request, uuid):
        return self.update(request, uuid, partial=True)

    def update(self, request, uuid, *, partial: bool) -> Response:
        session = access_session(request.user, uuid)
        serializer = self.InputSerializer(session, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.outreach_session_update(
            session=session, data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        return self.get(request, uuid)


# --- Child-care groups -------------------------------------------------------------------------


class GroupListRegisterAPI(OutreachListAPIView):
    @extend_schema_serializer(component_name="OutreachGroupInput")
    class InputSerializer(GroupInputSerializer):
        pass

    @extend_schema(
        operation_id="outreach_group_list",
        responses={200: GroupOutputSerializer(many=True), 403: DENIED_403, 404: PAGE_404},
        summary="Child-care groups (kelompok peduli anak) you can see",
    )
    def get(self, request):
        return self.paginated(
            groups_for(request.user), GroupOutputSerializer, GroupOutputSerializer.context_for(request)
        )

    @extend_schema(
        operation_id="outreach_group_register",
        request=InputSerializer,
        responses={201: GroupOutputSerializer, 400: ERRORS_400, 403: DENIED_403},
        summary="Register a child-care group in one of your RTs (volunteers)",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = services.child_care_group_register(
            data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        output = GroupOutputSerializer(
            access_group(request.user, group.uuid), context=GroupOutputSerializer.context_for(request)
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


class GroupDetailAPI(OutreachAPIView):
    InputSerializer = GroupListRegisterAPI.InputSerializer

    @extend_schema(
        operation_id="outreach_group_detail",
        responses={200: GroupOutputSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="One child-care group",
    )
    def get(self, request, uuid):
        group = access_group(request.user, uuid)
        return Response(GroupOutputSerializer(group, context=GroupOutputSerializer.context_for(request)).data)

    @extend_schema(
        operation_id="outreach_group_update",
        request=InputSerializer,
        responses={
            200: GroupOutputSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Change a child-care group of your RT",
    )
    def put(self, request, uuid):
        return self.update(request, uuid, partial=False)

    @extend_schema(
        operation_id="outreach_group_partial_update",
        request=InputSerializer,
        responses={
            200: GroupOutputSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Change some fields of a child-care group of your RT",
    )
    def patch(self, request, uuid):
        return self.update(request, uuid, partial=True)

    def update(self, request, uuid, *, partial: bool) -> Response:
        group = access_group(request.user, uuid)
        serializer = self.InputSerializer(group, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.child_care_group_update(
            group=group, data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        return self.get(request, uuid)


# --- Forum Anak --------------------------------------------------------------------------------


class ForumActivityListLogAPI(OutreachListAPIView):
    permission_classes = [OutreachAPIView.permission_classes[0], ForumWrite]

    @extend_schema_serializer(component_name="OutreachForumActivityInput")
    class InputSerializer(ServiceInputSerializer):
        input_class = services.ForumActivityInput
        input_errors = staticmethod(services.forum_activity_input_errors)

        level = serializers.ChoiceField(
            ForumLevel.choices,
            required=False,
            default=ForumLevel.RT,
            help_text="Where the Forum Anak met: kota (Forum Anak Kota Balikpapan, no place), kecamatan, "
            "kelurahan or rt; give exactly that level's place. Volunteers: rt (their own RTs) or kelurahan "
            "(of their RTs); the agency: kota, kecamatan or kelurahan.",
        )
        kecamatan = serializers.PrimaryKeyRelatedField(
            queryset=Kecamatan.objects.all(),
            required=False,
            allow_null=True,
            default=None,
            help_text="The kecamatan's id: for a kecamatan-level activity only.",
        )
        kelurahan = serializers.PrimaryKeyRelatedField(
            queryset=Kelurahan.objects.select_related("kecamatan"),
            required=False,
            allow_null=True,
            default=None,
            help_text="The kelurahan's id: for a kelurahan-level activity only.",
        )
        rt = serializers.PrimaryKeyRelatedField(
            queryset=RT.objects.select_related("kelurahan__kecamatan"),
            required=False,
            allow_null=True,
            default=None,
            help_text="The RT's id: for an RT-level activity only, one of your own RTs.",
        )
        held_on = serializers.DateField()
        title = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
        children = count_field(required=False, default=0)
        topics = topics_field(required=False, default=list)
        other_topic = optional_text()
        suggestions = optional_text(LONG_TEXT)

    class FilterSerializer(DateRangeFilterSerializer):
        level = serializers.ChoiceField(ForumLevel.choices, required=False, help_text="Only this level.")

        def apply(self, queryset):
            queryset = super().apply(queryset)
            if "level" in self.validated_data:
                queryset = queryset.filter(level=self.validated_data["level"])
            return queryset

    @extend_schema(
        operation_id="outreach_forum_activity_list",
        parameters=[FilterSerializer],
        responses={200: ForumActivityOutputSerializer(many=True), 400: ERRORS_400, 403: DENIED_403, 404: PAGE_404},
        summary="Forum Anak activities you can see, newest first",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        activities = filters.apply(forum_activities_for(request.user))
        return self.paginated(activities, ForumActivityOutputSerializer, {"request": request})

    @extend_schema(
        operation_id="outreach_forum_activity_log",
        request=InputSerializer,
        responses={201: ForumActivityOutputSerializer, 400: ERRORS_400, 403: DENIED_403},
        summary="Log a Forum Anak activity at its level (volunteers: their RTs and kelurahan; the agency)",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.forum_activity_log(
            data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        activity = forum_activities_for(request.user).get(pk=activity.pk)
        return Response(ForumActivityOutputSerializer(activity).data, status=status.HTTP_201_CREATED)


# --- Partner organisations (the agency's) --------------------------------------------------------


class PartnerAPIView(APIView):
    permission_classes = [HasCapability.of(Capability.READ_OUTREACH), AgencyWrites]


class PartnerListRegisterAPI(PartnerAPIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema_serializer(component_name="OutreachPartnerInput")
    class InputSerializer(ServiceInputSerializer):
        input_class = services.PartnerInput
        input_errors = staticmethod(services.partner_input_errors)

        name = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
        kind = serializers.ChoiceField(PartnerKind.choices)
        contact_person = optional_text()
        agreement = optional_text()

    @extend_schema(
        operation_id="outreach_partner_list",
        responses={200: PartnerOutputSerializer(many=True), 403: DENIED_403, 404: PAGE_404},
        summary="Partner organisations (business, media, ...), by name",
    )
    def get(self, request):
        return paginated(request, self, partners_for(request.user), PartnerOutputSerializer, {})

    @extend_schema(
        operation_id="outreach_partner_register",
        request=InputSerializer,
        responses={201: PartnerOutputSerializer, 400: ERRORS_400, 403: DENIED_403},
        summary="Register a partner organisation (agency; code partner_exists for a name already known)",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partner = services.partner_register(
            data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        return Response(
            PartnerOutputSerializer(access_partner(request.user, partner.uuid)).data, status=status.HTTP_201_CREATED
        )


class PartnerDetailAPI(PartnerAPIView):
    @extend_schema(
        operation_id="outreach_partner_detail",
        responses={200: PartnerOutputSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="One partner organisation",
    )
    def get(self, request, uuid):
        return Response(PartnerOutputSerializer(access_partner(request.user, uuid)).data)


class PartnerDeactivateAPI(PartnerAPIView):
    @extend_schema(
        operation_id="outreach_partner_deactivate",
        request=None,
        responses={200: PartnerOutputSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="End a partnership: no more activities (code partner_inactive if it already ended)",
    )
    def post(self, request, uuid):
        partner = access_partner(request.user, uuid)
        services.partner_deactivate(partner=partner, acting_user=request.user)
        return Response(PartnerOutputSerializer(access_partner(request.user, uuid)).data)


class PartnerActivityListLogAPI(PartnerAPIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema_serializer(component_name="OutreachPartnerActivityInput")
    class InputSerializer(ServiceInputSerializer):
        input_class = services.PartnerActivityInput
        input_errors = staticmethod(services.partner_activity_input_errors)

        held_on = serializers.DateField()
        kind = serializers.ChoiceField(PartnerActivityKind.choices)
        title = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
        kecamatan = serializers.PrimaryKeyRelatedField(
            queryset=Kecamatan.objects.all(),
            required=False,
            allow_null=True,
            default=None,
            help_text="The kecamatan's id; leave out or null for the whole city.",
        )
        children_reached = count_field(required=False, default=0)
        notes = optional_text(LONG_TEXT)

    @extend_schema(
        operation_id="outreach_partner_activity_list",
        responses={200: PartnerActivityOutputSerializer(many=True), 403: DENIED_403, 404: MISSING_404},
        summary="A partner's activities, newest first",
    )
    def get(self, request, uuid):
        partner = access_partner(request.user, uuid)
        return paginated(request, self, partner_activities(partner=partner), PartnerActivityOutputSerializer, {})

    @extend_schema(
        operation_id="outreach_partner_activity_log",
        request=InputSerializer,
        responses={201: PartnerActivityOutputSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Log a partner's activity (agency; code partner_inactive once the partnership ended)",
    )
    def post(self, request, uuid):
        partner = access_partner(request.user, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.partner_activity_log(
            partner=partner, data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        return Response(PartnerActivityOutputSerializer(activity).data, status=status.HTTP_201_CREATED)
