"""The signed-in user's own things: their to-do list (待办) and their notifications."""

from __future__ import annotations

from rest_framework import serializers

from notifications.models import Notification


class TodoItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="the page where the action is taken (absolute URL)")
    deadline = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class TodoGroupSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="e.g. contracts.submissions")
    label = serializers.CharField()
    role = serializers.CharField(help_text="purchaser | registrar | member | evaluator | superuser")
    role_label = serializers.CharField()
    count = serializers.IntegerField()
    overdue_count = serializers.IntegerField()
    items = TodoItemSerializer(many=True)
    list_url = serializers.CharField(help_text="the full list of this kind (absolute URL)")


class TodoSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    count = serializers.IntegerField()
    overdue_count = serializers.IntegerField()
    groups = TodoGroupSerializer(many=True)


class TodoQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=0, max_value=50, default=5, help_text="items per kind (0-50)")
    role = serializers.ChoiceField(
        choices=["purchaser", "registrar", "member", "evaluator", "superuser"], required=False
    )


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    url = serializers.SerializerMethodField(help_text="the page of the record (absolute URL); null once it is gone")
    target_exists = serializers.SerializerMethodField(help_text="false once the record was deleted or withdrawn")
    read = serializers.BooleanField(source="is_read")

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "stage",
            "title",
            "body",
            "url",
            "target_exists",
            "created_at",
            "read",
            "read_at",
        ]

    def get_target_exists(self, notification) -> bool:
        return notification.target_available

    def get_url(self, notification) -> str | None:
        if not notification.target_available or not notification.url:
            return None
        return self.context["request"].build_absolute_uri(notification.url)


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="only unread notifications")
    kind = serializers.ChoiceField(choices=Notification.Kind.choices, required=False)
