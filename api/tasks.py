"""My tasks over the API: what is due for the caller across the registers, as on the "My tasks" page (the
kernel's ``task_sources``: the same rows, the same filters, the overdue first)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hpregister.forms import TaskFilterForm
from hpregister.inbox import DEFAULT_HORIZON, HORIZONS, my_tasks
from hpregister.registry import task_sources

from .forms import errors_json
from .schema import FIELD_ERRORS

LIMIT = 200


class TaskSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField(help_text="When it is due; with all_day, only its date (Oslo) counts.")
    all_day = serializers.BooleanField(help_text="The deadline is a date (a measure's due date), not a time.")
    overdue = serializers.BooleanField()
    title = serializers.CharField()
    action = serializers.CharField(help_text="What to do, in the caller's language.")
    kind = serializers.CharField(source="source", help_text="The kind of task, in the caller's language.")
    organisations = serializers.CharField()
    url = serializers.SerializerMethodField()
    act_url = serializers.SerializerMethodField(help_text="The page that does the task, where the caller may.")

    def get_url(self, task) -> str:
        return self.context["request"].build_absolute_uri(task.url)

    def get_act_url(self, task) -> str | None:
        return self.context["request"].build_absolute_uri(task.act_url) if task.act_url else None


class TaskListSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the caller's open tasks due within the horizon.")
    overdue = serializers.IntegerField()
    results = TaskSerializer(many=True, help_text=f"The first {LIMIT}, the overdue first.")


class TaskView(APIView):
    """What is due for me: the same rows as the "My tasks" page."""

    @extend_schema(
        parameters=[
            OpenApiParameter("within", enum=list(HORIZONS), description="Days ahead (overdue always shown)."),
            OpenApiParameter("kind", description="One kind of task, by the name the page's filter uses."),
        ],
        responses={200: TaskListSerializer, 400: FIELD_ERRORS},
    )
    def get(self, request):
        form = TaskFilterForm(request.query_params, sources=list(task_sources))
        if not form.is_valid():
            return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
        within = form.cleaned_data["within"] or DEFAULT_HORIZON
        inbox = my_tasks(request.user, HORIZONS[within], limit=LIMIT, only=form.cleaned_data["kind"] or None)
        return Response(
            {
                "count": inbox.total,
                "overdue": inbox.overdue,
                "results": TaskSerializer(inbox.tasks, many=True, context={"request": request}).data,
            }
        )
