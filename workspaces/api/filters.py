import django_filters
from django.db.models import Q

from workspaces.models import Project, ProjectStatus


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, method="filter_status")
    search = django_filters.CharFilter(method="filter_search", max_length=200, help_text="Matches name or description.")

    class Meta:
        model = Project
        fields = ["status", "search"]

    @property
    def qs(self):
        queryset = super().qs
        # Archived projects are kept but only listed when asked for.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=ProjectStatus.ARCHIVED)
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
