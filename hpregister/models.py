import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .access import Access, ScopedModel, ScopedQuerySet
from .addresses import address
from .choices import MeasureStatus, OrganisationKind, Role, SecurityEventKind
from .reminders.models import Profile, Reminder, ReminderRule

__all__ = [
    "Access",
    "Measure",
    "Membership",
    "Organisation",
    "Profile",
    "Reminder",
    "ReminderRule",
    "ScopedModel",
    "ScopedQuerySet",
]


class Organisation(ScopedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    shares = models.PositiveIntegerField(_("shares in Helseplattformen AS"), null=True, blank=True)
    ownership_percent = models.DecimalField(_("ownership (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    role_in_register = models.TextField(_("role"), blank=True)
    is_operator = models.BooleanField(
        _("operator"),
        default=False,
        help_text=_("Helseplattformen AS: its staff see every organisation."),
    )
    email = models.EmailField(_("privacy contact e-mail"), blank=True)

    history = HistoricalRecords()

    organisation_path = ""

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ownership_percent__isnull=True)
                | models.Q(ownership_percent__gte=0, ownership_percent__lte=100),
                name="organisation_ownership_percent_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("hpregister:organisation_detail", self.pk)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Given by single sign-on from the user's groups (SsoGroupMapping): each sign-in makes these what the
    # mappings say; memberships given by hand are never touched by it.
    from_sso = models.BooleanField(_("from single sign-on"), default=False, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class SsoGroupMapping(models.Model):
    """A group (or role) in the identity provider's token that gives a role in an organisation here."""

    group = models.CharField(
        _("group claim value"),
        max_length=200,
        help_text=_("As the provider sends it in the groups claim: a name, or an object id in Entra ID."),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "organisation__name"]
        verbose_name = _("single sign-on group")
        verbose_name_plural = _("single sign-on groups")
        constraints = [
            models.UniqueConstraint(fields=["group", "organisation"], name="sso_mapping_unique_group_organisation")
        ]

    def __str__(self):
        return f"{self.group} → {self.organisation} ({self.get_role_display()})"


class ReferenceLoad(models.Model):
    """Which reference row has been loaded, so a reload never recreates or overwrites what users changed."""

    dataset = models.CharField(_("dataset"), max_length=60)
    key = models.CharField(_("key"), max_length=300)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("loaded reference row")
        verbose_name_plural = _("loaded reference rows")
        constraints = [models.UniqueConstraint(fields=["dataset", "key"], name="referenceload_unique_key")]

    def __str__(self):
        return f"{self.dataset}:{self.key}"


class SecurityEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The audit trail is for administrators and the operator's privacy officers only."""
        return self if Access.for_user(user).reads_audit_trail else self.none()


class SecurityEvent(models.Model):
    """The security audit trail: sign-ins, second factors, passwords, rights. Append-only, never purged
    (kept as long as the register's history). ``user`` is whose account it concerns; ``actor`` who did it
    when that is someone else (an administrator changing a membership)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=40, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True, help_text=_("As typed, for failed logins."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    organisation_path = None  # register-wide; who may read it is SecurityEventQuerySet.visible_to

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-at"], name="securityevent_kind_at"),
            models.Index(fields=["user", "-at"], name="securityevent_user_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username} {self.at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """One add form, submitted once: the token rendered into the form, and what its first POST created.

    A double click, a browser resending after a timeout or a repeated POST carries the same token and is
    led to the object already created, instead of creating it again."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", null=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return str(self.token)

    def created_object(self):
        if self.content_type_id is None:
            return None
        model = self.content_type.model_class()
        return model._base_manager.filter(pk=self.object_id).first()


def count_of(queryset, link: str) -> models.Expression:
    """The number of rows of ``queryset`` whose ``link`` is the outer row: a correlated subquery.

    Unlike ``Count`` over a join it needs no GROUP BY over the whole table, so a list page computes it
    only for the rows it shows (and counting the list ignores it).
    """
    counted = queryset.filter(**{link: models.OuterRef("pk")}).order_by().values(link)
    counted = counted.annotate(n=models.Count("*")).values("n")
    return Coalesce(models.Subquery(counted), 0)


class MeasureQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=Measure.OPEN_STATUSES)

    def due_by(self, day):
        """Open measures due on or before ``day`` (the reminder sweep's range scan), earliest first.

        Ordered on the measure's own columns: the models' default order goes through the parent (incident,
        risk, gap), which made the database walk the parents and every measure of theirs instead of the
        (status, due_on) index."""
        return self.open().filter(due_on__lte=day).order_by("due_on", "pk")

    def overdue(self, today=None):
        from django.utils import timezone

        return self.open().filter(due_on__lt=today or timezone.localdate())


class Measure(ScopedModel):
    """A follow-up task (tiltak): the shape shared by incident measures, risk measures and gap actions.

    Every measure has an owner accountable for closing it and a due date. When it is done, an effect check
    follows (``effect_check_due``): someone records whether it worked. One that did not work is open again,
    with a new due date, and its parent's follow-up reopens (``reopen_follow_up``).

    A subclass names its parent (``parent_field``) and the parent's title field (``parent_title_field``):
    the measures overview and the effect-check reminders read them."""

    parent_field = ""
    parent_title_field = "title"

    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accountable for closing"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    effect_check_due = models.DateField(_("effect check due"), null=True, blank=True, editable=False)
    effective = models.BooleanField(_("worked"), null=True, editable=False)
    effect_checked_on = models.DateField(_("effect checked on"), null=True, blank=True, editable=False)
    effect_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("effect checked by"),
    )
    effect_note = models.TextField(_("effect check note"), blank=True, editable=False)

    OPEN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        abstract = True
        # The reminder sweep asks for open measures due before a date: this keeps that a range scan. The
        # effect checks waiting are few among all measures: a partial index holds just those.
        indexes = [
            models.Index(fields=["status", "due_on"], name="%(app_label)s_%(class)s_due"),
            models.Index(
                fields=["effect_check_due"],
                condition=models.Q(effect_check_due__isnull=False),
                name="%(class)s_effect",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def parent(self):
        return getattr(self, self.parent_field)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def deadline(self):
        """When reminders count from: the due date at 08:00 Oslo time, while the measure is open."""
        from .timeutils import date_deadline

        return date_deadline(self.due_on) if self.is_open and self.due_on else None

    @property
    def effect_deadline(self):
        from .timeutils import date_deadline

        return date_deadline(self.effect_check_due) if self.effect_check_due else None

    def clean(self):
        from django.utils import timezone

        if self.status == MeasureStatus.DONE and not self.done_on:
            raise ValidationError({"done_on": _("Give the date the measure was done.")})
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("The date cannot be in the future.")})

    def save(self, *args, **kwargs):
        self.schedule_effect_check()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "effect_check_due", "effective"}
        super().save(*args, **kwargs)

    def schedule_effect_check(self) -> None:
        """Done and not yet found to work: the effect check falls due EFFECT_CHECK_DAYS after the day it was
        done (again, after a check found it did not work). Open or cancelled: nothing to check."""
        import datetime as dt

        from django.utils import timezone

        if self.status != MeasureStatus.DONE:
            self.effect_check_due = None
            if self.status == MeasureStatus.CANCELLED:
                self.effective = None
        elif self.effect_check_due is None and self.effective is not True:  # not checked, or done again
            done = self.done_on or timezone.localdate()
            self.effect_check_due = done + dt.timedelta(days=settings.EFFECT_CHECK_DAYS)
            self.effective = None

    def reminder_title(self) -> str:
        """What an e-mail or a calendar names the measure by: its parent (a subclass may say less)."""
        return str(self.parent)

    def effect_refusal(self, worked: bool) -> str | None:
        """Why the measure cannot be recorded as ``worked`` now (a subclass's rule), or None."""
        return None

    def reopen_follow_up(self, *, user, reason: str) -> None:
        """The measure did not work: reopen what it was following up (a subclass's duty)."""

    def check_effect(self, *, user, worked: bool, note: str = "", checked_on=None, new_due_on=None) -> None:
        """Record the effect check. A measure that did not work opens again with ``new_due_on``."""
        from django.db import transaction
        from django.utils import timezone

        today = timezone.localdate()
        checked_on = checked_on or today
        if self.status != MeasureStatus.DONE:
            raise ValidationError(_("Only a measure that is done can have its effect checked."))
        errors = {}
        if checked_on > today:
            errors["checked_on"] = _("The date cannot be in the future.")
        refusal = self.effect_refusal(worked)
        if refusal:
            errors["worked"] = refusal
        if not worked and not note.strip():
            errors["note"] = _("Say what did not work.")
        if not worked and (new_due_on is None or new_due_on < today):
            errors["new_due_on"] = _("Give a new due date, today or later.")
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            self.effective = worked
            self.effect_checked_on = checked_on
            self.effect_checked_by = user
            self.effect_note = note.strip()
            self.effect_check_due = None
            if not worked:
                self.status = MeasureStatus.IN_PROGRESS
                self.done_on = None
                self.due_on = new_due_on
            self._change_reason = "Effect checked: worked" if worked else "Effect checked: did not work"
            self.save()
            if not worked:
                self.reopen_follow_up(user=user, reason=note.strip())


class SavedFilter(models.Model):
    """A user's named filter of one list (its query string), shown as a link above that list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    list_name = models.CharField(_("list"), max_length=100)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filter"), max_length=2000)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(fields=["user", "list_name", "name"], name="saved_filter_unique_name"),
        ]

    def __str__(self):
        return self.name


def export_path(instance, filename):
    return f"exports/{instance.user_id}/{instance.pk.hex}/{filename}"


class ExportJob(models.Model):
    """A list export too large to build within a request: a Celery worker writes the file through the storage
    API while the requester watches its progress. The file is the requester's alone and expires; the row
    stays as the record of who exported what, and when."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("user")
    )
    path = models.CharField(_("list and filters"), max_length=2000)
    title = models.CharField(_("title"), max_length=200)
    export_format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language"), max_length=10, default="nb")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_path, blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="export_user_recent"),
            models.Index(fields=["expires_at"], name="export_expiry"),
        ]

    def __str__(self):
        return f"{self.title} ({self.export_format.upper()})"

    def get_absolute_url(self):
        return address("export_detail", self.pk)

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token for scripts. Shown once when made and stored only as its SHA-256 hash; it
    expires, can be revoked, and carries at most its owner's rights (read-only when so made)."""

    PREFIX = "hpr_"
    MAX_DAYS = 365

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, *, name: str, days: int, read_only: bool) -> tuple["ApiToken", str]:
        """A new token and its key: the key is returned this once and never stored."""
        import secrets

        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:12],
            key_hash=cls.hash(key),
            read_only=read_only,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
