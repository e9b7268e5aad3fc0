import django_filters

from flows.models import Execution, ExecutionStatus, FlowLog, LogLevel, TriggerType


class ExecutionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExecutionStatus.choices)
    # Query parameters are camelCase like the rest of the API.
    triggerType = django_filters.ChoiceFilter(field_name="trigger_type", choices=TriggerType.choices)
    startedAfter = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    startedBefore = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = Execution
        fields = ["status", "triggerType", "startedAfter", "startedBefore"]


class LogFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=LogLevel.choices, help_text="Only entries of this level.")
    executionId = django_filters.CharFilter(field_name="execution_id", max_length=40)

    class Meta:
        model = FlowLog
        fields = ["level", "executionId"]
