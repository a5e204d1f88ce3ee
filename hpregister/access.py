"""Who may see and change what: organisation scoping, built once for every view, export and e-mail.

Rules:
- a superuser, or a member of an operator organisation (Helseplattformen AS), sees every organisation;
- everyone else sees only the organisations they are a member of;
- privacy officers change what belongs to their organisations (operator privacy officers: everything);
- managers read, and approve what needs a manager;
- a user with no membership sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef

from .choices import Role
from .db import QuickDeferredLoading


@dataclass(frozen=True)
class Access:
    sees_all: bool = False
    is_superuser: bool = False
    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    operator_roles: frozenset[str] = frozenset()

    @classmethod
    def for_user(cls, user) -> Access:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls()
        cached = getattr(user, "_hp_access", None)
        if cached is not None:
            return cached
        roles: dict[int, set[str]] = {}
        operator_roles: set[str] = set()
        for organisation_id, role, is_operator in user.memberships.values_list(
            "organisation_id", "role", "organisation__is_operator"
        ):
            roles.setdefault(organisation_id, set()).add(role)
            if is_operator:
                operator_roles.add(role)
        access = cls(
            sees_all=user.is_superuser or bool(operator_roles),
            is_superuser=user.is_superuser,
            roles={org: frozenset(r) for org, r in roles.items()},
            operator_roles=frozenset(operator_roles),
        )
        user._hp_access = access
        return access

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(self.roles)

    @property
    def is_member(self) -> bool:
        return self.sees_all or bool(self.roles)

    def has_role(self, role: str, organisation_ids) -> bool:
        """True if the user holds ``role`` in one of ``organisation_ids`` (operator holders: in any)."""
        if self.is_superuser or role in self.operator_roles:
            return True
        return any(role in self.roles.get(org_id, ()) for org_id in organisation_ids)

    def can_edit(self, obj) -> bool:
        return self.has_role(Role.PRIVACY_OFFICER, obj.owner_organisation_ids())

    def can_add(self, model) -> bool:
        """Whether the user may create objects of ``model`` at all (for some organisation)."""
        if model.organisation_path is None:
            return self.is_superuser or Role.PRIVACY_OFFICER in self.operator_roles
        return (
            self.is_superuser
            or any(Role.PRIVACY_OFFICER in r for r in self.roles.values())
            or (Role.PRIVACY_OFFICER in self.operator_roles)
        )

    @property
    def reads_audit_trail(self) -> bool:
        return self.is_superuser or Role.PRIVACY_OFFICER in self.operator_roles

    def editable_organisation_ids(self) -> frozenset[int] | None:
        """Organisations the user may record things for; None means all of them."""
        if self.is_superuser or Role.PRIVACY_OFFICER in self.operator_roles:
            return None
        return frozenset(org for org, r in self.roles.items() if Role.PRIVACY_OFFICER in r)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how its model reaches ``Organisation``.

    The model declares ``organisation_path``: a lookup to Organisation (``"organisation"``,
    ``"organisations"``, ``"incident__organisations"``), ``""`` for Organisation itself, or None for
    register-wide records (the HOD duties, Epic's sub-processors) that every member may read and the
    operator's privacy officers maintain.
    """

    def visible_to(self, user):
        access = Access.for_user(user)
        if access.sees_all:
            return self
        if not access.is_member:
            return self.none()
        path = self.model.organisation_path
        if path is None:
            return self
        if path == "":
            return self.filter(pk__in=access.organisation_ids)
        return self.filter(in_organisations(self.model, path, access.organisation_ids))


def in_organisations(model, path: str, organisation_ids) -> models.Q:
    """``model``'s records that reach one of ``organisation_ids`` through ``path``, one row each.

    A path of foreign keys is a join. A path that ends in a many-to-many (an incident's organisations, a
    measure's incident's organisations) is a correlated EXISTS on the link table, checked per row through
    its (incident, organisation) index: a list ordered by its own index reads only the rows it shows, where
    ``pk IN (every incident of the organisation)`` read a third of the register first."""
    names = path.split("__")
    hops, current = [], model
    for name in names:
        field = current._meta.get_field(name)
        if field.many_to_many and name == names[-1] and not field.auto_created:
            through = field.remote_field.through
            outer = OuterRef("__".join(hops)) if hops else OuterRef("pk")
            link = {field.m2m_field_name(): outer, f"{field.m2m_reverse_field_name()}__in": organisation_ids}
            return models.Q(Exists(through._base_manager.filter(**link)))
        if field.many_to_many or field.one_to_many:
            break  # a many-relation in the middle: the general subquery below
        hops.append(name)
        current = field.related_model
    else:
        return models.Q(**{f"{path}__in": organisation_ids})
    return models.Q(pk__in=model._base_manager.filter(**{f"{path}__in": organisation_ids}).values("pk"))


class ScopedModel(QuickDeferredLoading, models.Model):
    """Base for register models: organisation scoping and the owner lookup used by permissions."""

    organisation_path: str | None = "organisation"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def owner_organisation_ids(self) -> set[int]:
        path = self.organisation_path
        if path is None:
            return set()  # operator-only: Access.has_role falls back to operator roles
        if path == "":
            return {self.pk}
        head, _, rest = path.partition("__")
        value = getattr(self, head)
        if hasattr(value, "all"):
            if rest:
                raise NotImplementedError("Override owner_organisation_ids for nested many-to-many paths.")
            return {o.pk for o in value.all()}
        if value is None:
            return set()
        if rest:
            return value.owner_organisation_ids()
        return {value.pk}
