from functools import reduce
from operator import or_

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OrganisationKind, SecurityEventKind
from .forms import style_form
from .models import Organisation, SecurityEvent
from .registry import SearchSource

FULLTEXT_CONFIG = "norwegian"  # PostgreSQL's Snowball stemmer for bokmål


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text ``q`` over ``search_fields``.

    Every database finds the text inside a field, ignoring case in every alphabet. PostgreSQL also matches
    words in their other forms (Norwegian stemming: "bruddene" finds "brudd") through full-text search over
    the ``fulltext_fields``, the prose among the search fields."""

    search_fields: tuple[str, ...] = ()
    fulltext_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            form.is_valid()  # validate first, so style_form can mark invalid fields
            style_form(form)
            form._styled = True
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        found = reduce(or_, (Q(**{f"{f}__fold_contains": value}) for f in self.search_fields))
        found |= self.exact_matches(value)
        if self.fulltext_fields and connection.vendor == "postgresql":
            vector = SearchVector(*self.fulltext_fields, config=FULLTEXT_CONFIG)
            query = SearchQuery(value, config=FULLTEXT_CONFIG, search_type="websearch")
            queryset = queryset.annotate(_fulltext=vector)
            found |= Q(_fulltext=query)
        return queryset.filter(found)

    def exact_matches(self, value) -> Q:
        """What a typed reference finds (an app's list overrides it: "AVVIK-2026-0042")."""
        return Q(pk__in=[])


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "role_in_register")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))

    class Meta:
        model = Organisation
        fields = ["q", "kind"]


def visible_organisations(request):
    """Organisation choices for filters: only those the user can see."""
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.visible_to(request.user)


def organisation_filter(field_name="organisation", label=None):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=visible_organisations, label=label or _("Organisation")
    )


class SecurityEventFilterSet(SearchFilterSet):
    search_fields = ("username", "ip_address", "detail", "user_agent")
    kind = django_filters.MultipleChoiceFilter(choices=SecurityEventKind.choices, label=_("Event"))
    after = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From (date)"))
    before = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To (date)"))

    class Meta:
        model = SecurityEvent
        fields = ["q", "kind", "after", "before"]


def search_source(name: str, label, filterset_class, order: int = 100) -> SearchSource:
    """A global-search source that finds what the list's own search box finds (its FilterSet's ``q``)."""
    return SearchSource(
        name, label, lambda user, text, limit: text_search(filterset_class, user, text, limit), order=order
    )


def text_search(filterset_class, user, text: str, limit: int):
    """The records a list's free-text ``q`` finds for ``text``, scoped to ``user``: what a search source
    returns, so the global search matches each list's own search box."""
    model = filterset_class._meta.model
    queryset = model.objects.visible_to(user)
    return list(filterset_class({"q": text}, queryset=queryset).qs[:limit])
