from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hpregister.addresses import address
from hpregister.events import publish
from hpregister.models import Measure, Organisation, ScopedModel, ScopedQuerySet, count_of

from .choices import Dimension, PrivacyArea, RiskStatus, Treatment


class RiskScale(models.Model):
    """A version of the probability and consequence scales and the matrix of levels.

    A new version is made when the scales change; risks keep pointing at the steps they were assessed on,
    so old assessments stay readable.
    """

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveSmallIntegerField(_("version"), unique=True)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("Where the bands come from."))
    is_active = models.BooleanField(_("in use for new assessments"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("risk scale")
        verbose_name_plural = _("risk scales")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="riskscale_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @classmethod
    def active(cls) -> RiskScale | None:
        return cls.objects.filter(is_active=True).first()

    def matrix(self) -> dict[tuple[int, int], LevelBand]:
        """{(probability step id, consequence step id): band}: one query, for lists and the heatmap."""
        return cells_by_step(self.cells.all())

    @classmethod
    def active_matrix(cls) -> dict[tuple[int, int], LevelBand]:
        """The active scale's ``matrix()`` ({} where none is active), in one query rather than two: every
        risk list and page of the API reads it."""
        return cells_by_step(MatrixCell.objects.filter(scale__is_active=True))


def cells_by_step(cells) -> dict[tuple[int, int], LevelBand]:
    return {(c.probability_id, c.consequence_id): c.level for c in cells.select_related("level")}


class ScaleStep(models.Model):
    """One step of an ordered scale (probability or consequence), kept as data."""

    scale = models.ForeignKey(RiskScale, on_delete=models.PROTECT, related_name="steps", verbose_name=_("scale"))
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.PositiveSmallIntegerField(_("value"), help_text=_("Higher is worse."))
    label = models.CharField(_("label"), max_length=60)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scale", "dimension", "value"]
        verbose_name = _("scale step")
        verbose_name_plural = _("scale steps")
        constraints = [
            models.UniqueConstraint(fields=["scale", "dimension", "value"], name="scalestep_unique_value"),
            models.UniqueConstraint(fields=["scale", "dimension", "label"], name="scalestep_unique_label"),
        ]

    def __str__(self):
        return self.label


class LevelBand(models.Model):
    """A risk level of the matrix, e.g. green / yellow / red, with what it demands."""

    scale = models.ForeignKey(RiskScale, on_delete=models.PROTECT, related_name="levels", verbose_name=_("scale"))
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is worse."))
    label = models.CharField(_("label"), max_length=60)
    colour = models.CharField(_("colour"), max_length=7, help_text=_("#RRGGBB"))
    acceptance_needs_manager = models.BooleanField(
        _("acceptance needs a manager"),
        default=False,
        help_text=_("A residual risk at this level cannot be accepted by a privacy officer."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scale", "rank"]
        verbose_name = _("risk level")
        verbose_name_plural = _("risk levels")
        constraints = [models.UniqueConstraint(fields=["scale", "rank"], name="levelband_unique_rank")]

    def __str__(self):
        return self.label


class MatrixCell(models.Model):
    scale = models.ForeignKey(RiskScale, on_delete=models.CASCADE, related_name="cells")
    probability = models.ForeignKey(ScaleStep, on_delete=models.CASCADE, related_name="+")
    consequence = models.ForeignKey(ScaleStep, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(LevelBand, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matrix cell")
        verbose_name_plural = _("matrix cells")
        constraints = [
            models.UniqueConstraint(fields=["probability", "consequence"], name="matrixcell_unique_combination"),
        ]

    def __str__(self):
        return f"{self.probability} × {self.consequence}: {self.level}"


class RiskQuerySet(ScopedQuerySet):
    def with_measure_counts(self):
        return self.annotate(
            open_measures=count_of(RiskMeasure.objects.open(), "risk"),
            overdue_measures=count_of(RiskMeasure.objects.overdue(), "risk"),
        )

    def review_overdue(self):
        return self.exclude(status=RiskStatus.CLOSED).filter(next_review__lt=timezone.localdate())

    def with_overdue_measures(self):
        return self.filter(Exists(RiskMeasure.objects.overdue().filter(risk=OuterRef("pk"))))


class Risk(ScopedModel):
    new_title = _("New risk")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="risks", verbose_name=_("organisation")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    privacy_area = models.CharField(
        _("privacy area"),
        max_length=20,
        choices=PrivacyArea.choices,
        blank=True,
        help_text=_("Decides which acceptable residual level the risk is held to."),
    )
    residual_probability = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": Dimension.PROBABILITY},
        verbose_name=_("residual probability"),
    )
    residual_consequence = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": Dimension.CONSEQUENCE},
        verbose_name=_("residual consequence"),
    )
    inherent_probability = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": Dimension.PROBABILITY},
        verbose_name=_("inherent probability"),
    )
    inherent_consequence = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": Dimension.CONSEQUENCE},
        verbose_name=_("inherent consequence"),
    )
    treatment = models.CharField(_("treatment"), max_length=20, choices=Treatment.choices, blank=True)
    treatment_justification = models.TextField(_("justification of the treatment"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    obligations = models.ManyToManyField(
        "compliance.Obligation", blank=True, related_name="risks", verbose_name=_("duties")
    )

    history = HistoricalRecords(m2m_fields=[obligations])
    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="risk_unique_title_per_organisation"),
        ]
        indexes = [models.Index(fields=["next_review"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("risks:risk_detail", self.pk)

    def clean(self):
        errors = {}
        if self.treatment and not self.treatment_justification.strip():
            errors["treatment_justification"] = _("Justify the treatment decision.")
        for p, c in (
            ("residual_probability", "residual_consequence"),
            ("inherent_probability", "inherent_consequence"),
        ):
            step_p, step_c = getattr(self, p), getattr(self, c)
            if bool(step_p) != bool(step_c):
                errors[c if step_p else p] = _("Give both probability and consequence, or neither.")
            elif step_p and step_c and step_p.scale_id != step_c.scale_id:
                errors[c] = _("Probability and consequence must come from the same scale.")
        if not errors and self.closing and self.treatment != Treatment.AVOID and self.above_acceptable_level():
            errors["status"] = self.above_level_message()
        if errors:
            raise ValidationError(errors)

    @property
    def closing(self) -> bool:
        """Whether this save would close the risk (it is closed now and was not when it was read)."""
        if self.status != RiskStatus.CLOSED:
            return False
        return self.pk is None or not Risk.objects.filter(pk=self.pk, status=RiskStatus.CLOSED).exists()

    def above_level_message(self) -> str:
        level, acceptable = self.level(), self.acceptable_level()
        if level is None:
            return _("Assess the residual risk first: a risk cannot be closed before it is known to be acceptable.")
        return _(
            "The residual risk (%(level)s) is above the acceptable level for %(area)s (%(acceptable)s). "
            "Keep working on it until it is at that level, or have management accept it."
        ) % {
            "level": level.label,
            "area": self.get_privacy_area_display() or _("risks without a privacy area"),
            "acceptable": acceptable.level.label if acceptable else _("the matrix's default"),
        }

    def acceptable_level(self) -> AcceptableLevel | None:
        """The organisation's current acceptable residual level for this risk's privacy area."""
        return AcceptableLevel.objects.current(organisation_id=self.organisation_id, area=self.privacy_area)

    def above_acceptable_level(self, level: LevelBand | None = None) -> bool:
        """Whether the residual risk is still above what its organisation accepts for its area.

        Without a recorded level the matrix decides: a band whose acceptance needs a manager is above it.
        An unassessed residual risk counts as above: nothing is known to be at the level yet."""
        level = level if level is not None else self.level()
        if level is None:
            return True
        acceptable = self.acceptable_level()
        if acceptable is None:
            return level.acceptance_needs_manager
        return level.rank > acceptable.level.rank

    def level(self, matrix=None, kind="residual") -> LevelBand | None:
        """The matrix level of the residual (or inherent) assessment; pass ``matrix`` in lists."""
        p, c = getattr(self, f"{kind}_probability_id"), getattr(self, f"{kind}_consequence_id")
        if p is None or c is None:
            return None
        if matrix is None:
            cell = MatrixCell.objects.filter(probability_id=p, consequence_id=c).select_related("level").first()
            return cell.level if cell else None
        return matrix.get((p, c))

    @property
    def review_overdue(self) -> bool:
        return self.review_overdue_on(timezone.localdate())

    def review_overdue_on(self, today) -> bool:
        """Whether the review date has passed on ``today`` for a risk still open (a list asks with one date)."""
        return bool(self.next_review and self.next_review < today and self.status != RiskStatus.CLOSED)

    def realised_per_period(self, periods, user) -> list:
        """[(period, breaches)]: the breaches ``user`` can see whose root cause points at this risk, counted per
        reporting period by awareness date. One query, through the reverse relations (no app import)."""
        from hpregister.access import Access

        if not periods:
            return []
        access = Access.for_user(user)
        incident = "root_causes__incidents"
        scope = ~Q(**{f"{incident}__status": "withdrawn"})
        if not access.sees_all:
            scope &= Q(**{f"{incident}__organisations__in": access.organisation_ids})
        counts = Risk.objects.filter(pk=self.pk).aggregate(
            **{
                f"p{p.pk}": models.Count(
                    incident,
                    distinct=True,
                    filter=scope & Q(**{f"{incident}__aware_at__date__range": (p.starts_on, p.ends_on)}),
                )
                for p in periods
            }
        )
        return [(p, counts[f"p{p.pk}"]) for p in periods]

    def current_acceptance(self):
        today = timezone.localdate()
        return self.acceptances.filter(valid_until__gte=today).order_by("-accepted_at").first()


class AcceptableLevelQuerySet(ScopedQuerySet):
    def current(self, *, organisation_id, area) -> AcceptableLevel | None:
        return (
            self.filter(organisation_id=organisation_id, area=area)
            .select_related("level")
            .order_by("-approved_at", "-pk")
            .first()
        )

    def latest_versions(self):
        """The current version per (organisation, area): what the list shows by default."""
        newer = AcceptableLevel.objects.filter(
            organisation_id=OuterRef("organisation_id"), area=OuterRef("area"), approved_at__gt=OuterRef("approved_at")
        )
        return self.exclude(Exists(newer))


class AcceptableLevel(ScopedModel):
    """An organisation's acceptable residual risk level for one privacy area, as management approved it.

    Versioned by adding rows: the newest approval is the one in force, the older ones are its history."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    area = models.CharField(_("privacy area"), max_length=20, choices=PrivacyArea.choices)
    level = models.ForeignKey(
        LevelBand,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("highest acceptable residual level"),
    )
    justification = models.TextField(_("justification"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    history = HistoricalRecords()
    objects = AcceptableLevelQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "area", "-approved_at"]
        verbose_name = _("acceptable level")
        verbose_name_plural = _("acceptable levels")
        indexes = [models.Index(fields=["organisation", "area", "-approved_at"], name="acceptablelevel_current")]

    def __str__(self):
        return f"{self.organisation} – {self.get_area_display()}: {self.level}"

    def get_absolute_url(self):
        return reverse("risks:acceptablelevel_list") + f"?organisation={self.organisation_id}"


def set_acceptable_level(
    *, organisation, area: str, level: LevelBand, user, justification: str = ""
) -> AcceptableLevel:
    """Record a new version of the acceptable level. Management sets it: a manager of the organisation."""
    from hpregister.access import Access
    from hpregister.choices import Role

    if not Access.for_user(user).has_role(Role.MANAGER, {organisation.pk}):
        raise ValidationError(_("Only a manager of the organisation can set its acceptable risk levels."))
    current = AcceptableLevel.objects.current(organisation_id=organisation.pk, area=area)
    if current is not None and current.level_id == level.pk:
        raise ValidationError({"level": _("This is already the acceptable level.")})
    return AcceptableLevel.objects.create(
        organisation=organisation, area=area, level=level, approved_by=user, justification=justification.strip()
    )


class RiskAcceptance(ScopedModel):
    """A decision to accept a residual risk: who, when, until when, and the state that was accepted."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="acceptances", verbose_name=_("risk"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("accepted by")
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))
    probability = models.ForeignKey(
        ScaleStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("residual probability")
    )
    consequence = models.ForeignKey(
        ScaleStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("residual consequence")
    )
    level = models.ForeignKey(LevelBand, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("level"))
    justification = models.TextField(_("justification"))

    history = HistoricalRecords()
    organisation_path = "risk__organisation"

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("risk acceptance")
        verbose_name_plural = _("risk acceptances")

    def __str__(self):
        return f"{self.risk} – {self.accepted_by} ({self.accepted_at:%Y-%m-%d})"


class RiskMeasure(Measure):
    new_title = _("New risk measure")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)
    parent_field = "risk"
    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="measures", verbose_name=_("risk"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)

    history = HistoricalRecords()
    organisation_path = "risk__organisation"

    class Meta(Measure.Meta):
        ordering = ["risk", "due_on", "pk"]
        verbose_name = _("risk measure")
        verbose_name_plural = _("risk measures")

    def get_absolute_url(self):
        return self.risk.get_absolute_url() + "#measures"

    def effect_refusal(self, worked: bool) -> str | None:
        if worked and self.risk.above_acceptable_level():
            return _(
                "The risk is still above its acceptable level: record the lower residual risk on the risk first, "
                "or record that the measure did not work."
            )
        return None

    def reopen_follow_up(self, *, user, reason: str) -> None:
        if self.risk.status == RiskStatus.CLOSED:
            self.risk.status = RiskStatus.OPEN
            self.risk._change_reason = "Reopened: a measure did not work"
            self.risk.save()


class ReportingPeriodQuerySet(ScopedQuerySet):
    def latest_approved(self):
        return self.filter(approved_at__isnull=False).order_by("-ends_on").first()


class ReportingPeriod(ScopedModel):
    """A reporting period (e.g. "2. tertial 2025") with its ranked top-10 list."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reporting_periods", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    submitted_at = models.DateTimeField(_("submitted for approval"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    rejected_at = models.DateTimeField(_("sent back"), null=True, blank=True, editable=False)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("sent back by"),
    )
    review_comment = models.TextField(_("manager's comment"), blank=True, editable=False)

    history = HistoricalRecords()

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="period_unique_name_per_organisation"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="period_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.organisation}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def get_absolute_url(self):
        return address("risks:period_detail", self.pk)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None and not self.is_approved

    def submit(self, *, user):
        """The privacy officer hands the draft list to the managers for approval."""
        if self.is_approved:
            raise ValidationError(_("The period is already approved."))
        if self.is_submitted:
            raise ValidationError(_("The list is already waiting for approval."))
        if not self.entries.exists():
            raise ValidationError(_("An empty list cannot be approved."))
        self.submitted_at = timezone.now()
        self.submitted_by = user
        self._change_reason = "Submitted for approval"
        self.save(update_fields=["submitted_at", "submitted_by"])

    def approve(self, *, user, when=None):
        """Freeze the list: from now on its entries cannot change."""
        if self.is_approved:
            raise ValidationError(_("The period is already approved."))
        if not self.entries.exists():
            raise ValidationError(_("An empty list cannot be approved."))
        self.approved_at = when or timezone.now()
        self.approved_by = user
        self._change_reason = "Approved"
        self.save(update_fields=["approved_at", "approved_by"])
        publish("top10.approved", self)

    def reject(self, *, user, comment: str):
        """A manager sends the submitted list back to the privacy officer, saying why."""
        if not comment.strip():
            raise ValidationError({"comment": _("Say what must change before the list can be approved.")})
        if not self.is_submitted:
            raise ValidationError(_("Only a list waiting for approval can be sent back."))
        self.submitted_at = None
        self.rejected_at = timezone.now()
        self.rejected_by = user
        self.review_comment = comment.strip()
        self._change_reason = "Sent back"
        self.save(update_fields=["submitted_at", "rejected_at", "rejected_by", "review_comment"])

    def move(self, entry: PeriodEntry, step: int) -> bool:
        """Swap an entry with its neighbour one place up (step -1) or down (+1). False at either end."""
        if self.is_approved:
            raise ValidationError(_("The period is approved and frozen."))
        entries = list(self.entries.order_by("rank"))
        index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
        other = index + step
        if not 0 <= other < len(entries):
            return False
        first, second = entries[index], entries[other]
        first_rank, second_rank = first.rank, second.rank
        # Out of the way first (ranks are unique per period), without a history entry for the step between.
        PeriodEntry.objects.filter(pk=first.pk).update(rank=max(e.rank for e in entries) + 1)
        second.rank = first_rank
        second._change_reason = "Moved"
        second.save(update_fields=["rank"])
        first.rank = second_rank
        first._change_reason = "Moved"
        first.save(update_fields=["rank"])
        return True

    def previous(self):
        return (
            ReportingPeriod.objects.filter(organisation=self.organisation, ends_on__lt=self.ends_on)
            .order_by("-ends_on")
            .first()
        )

    def ranked_entries(self) -> list[PeriodEntry]:
        """Entries with previous rank and movement derived from earlier periods (a fixed number of queries)."""
        entries = list(
            self.entries.select_related("risk", "risk__owner", "residual_probability", "residual_consequence")
        )
        previous = self.previous()
        previous_ranks = dict(previous.entries.values_list("risk_id", "rank")) if previous else {}
        before_previous = set()
        if previous is not None:
            before_previous = set(
                PeriodEntry.objects.filter(
                    period__organisation=self.organisation, period__ends_on__lt=previous.ends_on
                ).values_list("risk_id", flat=True)
            )
        for entry in entries:
            entry.previous_rank = previous_ranks.get(entry.risk_id)
            if entry.previous_rank is None:
                entry.movement = "reentry" if entry.risk_id in before_previous else "new"
            elif entry.rank < entry.previous_rank:
                entry.movement = "up"
            elif entry.rank > entry.previous_rank:
                entry.movement = "down"
            else:
                entry.movement = "same"
        return entries


def prepare_next_period(
    *, previous: ReportingPeriod, name: str, starts_on: dt.date, ends_on: dt.date
) -> ReportingPeriod:
    """A new draft period that starts from the previous list, with each risk's residual assessment of now."""
    with transaction.atomic():
        period = ReportingPeriod.objects.create(
            organisation=previous.organisation, name=name, starts_on=starts_on, ends_on=ends_on
        )
        for entry in previous.entries.select_related("risk"):
            PeriodEntry.objects.create(
                period=period,
                risk=entry.risk,
                rank=entry.rank,
                residual_probability=entry.risk.residual_probability,
                residual_consequence=entry.risk.residual_consequence,
            )
    return period


class PeriodEntry(ScopedModel):
    """A risk's rank in a period, with its residual assessment as it was then."""

    new_title = _("New top-10 entry")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="entries", verbose_name=_("period")
    )
    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="period_entries", verbose_name=_("risk"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    residual_probability = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("residual probability"),
    )
    residual_consequence = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("residual consequence"),
    )
    change_reason = models.TextField(_("reason for the change"), blank=True)

    history = HistoricalRecords()

    organisation_path = "period__organisation"

    class Meta:
        ordering = ["period", "rank"]
        verbose_name = _("top-10 entry")
        verbose_name_plural = _("top-10 entries")
        constraints = [
            models.UniqueConstraint(fields=["period", "rank"], name="entry_unique_rank_per_period"),
            models.UniqueConstraint(fields=["period", "risk"], name="entry_unique_risk_per_period"),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="entry_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.risk}"

    def get_absolute_url(self):
        return self.period.get_absolute_url()

    def clean(self):
        if self.period_id and self.period.is_approved:
            raise ValidationError(_("The period is approved and frozen."))
        if self.risk_id and self.period_id and self.risk.organisation_id != self.period.organisation_id:
            raise ValidationError({"risk": _("The risk belongs to another organisation.")})

    def save(self, *args, **kwargs):
        # Approved periods are frozen: no code path may rewrite them (the reference loader included).
        if ReportingPeriod.objects.filter(pk=self.period_id, approved_at__isnull=False).exists():
            raise ValidationError(_("The period is approved and frozen."))
        super().save(*args, **kwargs)


def may_ask_to_accept(*, risk: Risk, user) -> bool:
    """Whether ``user`` is offered the acceptance of ``risk`` at all (the page's form, the API's action): its
    owner, a manager of its organisation, or whoever edits it. ``acceptance_refusal`` then judges the level."""
    from hpregister.access import Access
    from hpregister.choices import Role

    access = Access.for_user(user)
    return risk.owner_id == user.pk or access.has_role(Role.MANAGER, {risk.organisation_id}) or access.can_edit(risk)


def acceptance_refusal(*, risk: Risk, user, level: LevelBand | None = None) -> str | None:
    """Why ``user`` may not accept ``risk``'s residual risk as it stands, or None when they may.

    Acceptance follows the owner: a low residual risk is accepted by its owner, a privacy officer or a
    manager; the middle band by the risk's owner or a manager of its organisation; a red residual, or any
    residual above the area's acceptable level, only by management."""
    from hpregister.access import Access
    from hpregister.choices import Role

    access = Access.for_user(user)
    orgs = {risk.organisation_id}
    is_manager = access.has_role(Role.MANAGER, orgs)
    is_owner = risk.owner_id is not None and risk.owner_id == user.pk
    if not (is_manager or is_owner or access.has_role(Role.PRIVACY_OFFICER, orgs)):
        return _("Only the risk's owner and the organisation's privacy officers and managers can accept its risks.")
    if level is None:
        return _("Assess the residual risk before accepting it.")
    if level.acceptance_needs_manager or risk.above_acceptable_level(level):
        if not is_manager:
            return _(
                "A residual risk at level %(level)s is above what the line may accept: management (a manager "
                "of the organisation) must accept it."
            ) % {"level": level.label}
    elif level.rank > lowest_rank(level.scale_id) and not (is_manager or is_owner):
        return _("A residual risk at level %(level)s is accepted by the risk's owner or a manager.") % {
            "level": level.label
        }
    return None


def lowest_rank(scale_id) -> int:
    return LevelBand.objects.filter(scale_id=scale_id).order_by("rank").values_list("rank", flat=True).first() or 0


def accept_risk(*, risk: Risk, user, valid_until: dt.date, justification: str) -> RiskAcceptance:
    """Accept the residual risk as it stands, if ``acceptance_refusal`` has nothing against ``user`` doing so."""
    level = risk.level() if risk.residual_probability_id and risk.residual_consequence_id else None
    refusal = acceptance_refusal(risk=risk, user=user, level=level)
    if refusal:
        raise ValidationError(refusal)
    if not justification.strip():
        raise ValidationError({"justification": _("Justify the acceptance.")})
    if valid_until <= timezone.localdate():
        raise ValidationError({"valid_until": _("The acceptance must be valid until a future date.")})
    with transaction.atomic():
        acceptance = RiskAcceptance.objects.create(
            risk=risk,
            accepted_by=user,
            valid_until=valid_until,
            probability=risk.residual_probability,
            consequence=risk.residual_consequence,
            level=level,
            justification=justification.strip(),
        )
        risk.treatment = Treatment.ACCEPT
        risk.treatment_justification = justification.strip()
        risk._change_reason = "Accepted"
        risk.save()
    return acceptance
