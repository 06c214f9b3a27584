"""`/api/v1/me/…`: the token's user's own to-do list and notifications, as the 待办 page and the notification list
show them (the same assembly, the same scoping), so a department's own system can show them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as api
from api.pagination import ApiPagination
from api.views.common import ERRORS
from core.services import today
from notifications import selectors, services, todo
from notifications.models import Notification
from notifications.views import notification_for_user


class MyTodoView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("我的待办事项"),
        tags=["me"],
        parameters=[api.TodoQuerySerializer],
        responses={200: api.TodoSerializer, 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request):
        query = api.TodoQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        roles = [query.validated_data["role"]] if query.validated_data.get("role") else None
        day = today()
        groups = todo.assemble(request.user, on=day, limit=query.validated_data["limit"], roles=roles)
        count, overdue = todo.total(groups)
        absolute = request.build_absolute_uri
        data = {
            "as_of": day,
            "count": count,
            "overdue_count": overdue,
            "groups": [
                {
                    "kind": group.key,
                    "label": str(group.label),
                    "role": group.role,
                    "role_label": str(group.role_label),
                    "count": group.count,
                    "overdue_count": group.overdue_count,
                    "items": [
                        {
                            "title": item.title,
                            "detail": str(item.detail),
                            "url": absolute(item.url),
                            "deadline": item.deadline,
                            "overdue": item.overdue,
                        }
                        for item in group.items
                    ],
                    "list_url": absolute(reverse("portal:todo-kind", args=[group.key])),
                }
                for group in groups
            ],
        }
        return Response(api.TodoSerializer(data).data)


class MyNotificationListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = api.NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset gives the user's own
    pagination_class = ApiPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no signed-in user
            return Notification.objects.none()
        query = api.NotificationQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.notification_list(
            user=self.request.user,
            unread_only=query.validated_data["unread"],
            kind=query.validated_data.get("kind") or None,
        )

    @extend_schema(
        summary=_("我的通知"),
        tags=["me"],
        parameters=[api.NotificationQuerySerializer],
        responses={200: api.NotificationSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MyNotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("将一条通知标为已读"),
        tags=["me"],
        request=None,
        responses={200: api.NotificationSerializer, 401: ERRORS[401], 404: ERRORS[404]},
    )
    def post(self, request, pk: int):
        notification = notification_for_user(request.user, pk)
        services.notification_mark_read(user=request.user, notification=notification)
        return Response(api.NotificationSerializer(notification, context={"request": request}).data)


class MyNotificationReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("将全部通知标为已读"),
        tags=["me"],
        request=None,
        responses={200: OpenApiResponse(description=_('标为已读的条数：{"marked": n}')), 401: ERRORS[401]},
    )
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
