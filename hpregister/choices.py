from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGIONAL_HEALTH_AUTHORITY = "regional_health_authority", _("Regional health authority")
    HEALTH_TRUST = "health_trust", _("Health trust")
    IT_PROVIDER = "it_provider", _("IT provider")
    MUNICIPALITY = "municipality", _("Municipality")


class Role(models.TextChoices):
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    OTP_VERIFIED = "otp_verified", _("Second factor verified")
    OTP_FAILED = "otp_failed", _("Wrong second-factor code")
    OTP_ENROLLED = "otp_enrolled", _("Two-factor device enrolled")
    OTP_REMOVED = "otp_removed", _("Two-factor device removed")
    RECOVERY_CODES_NEW = "recovery_codes_new", _("New recovery codes")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_CHANGE_FAILED = "password_change_failed", _("Wrong current password")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET = "password_reset", _("Password reset")
    ACCOUNT_CHANGED = "account_changed", _("Account rights changed")
    MEMBERSHIP_ADDED = "membership_added", _("Membership added")
    MEMBERSHIP_CHANGED = "membership_changed", _("Membership changed")
    MEMBERSHIP_REMOVED = "membership_removed", _("Membership removed")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    API_TOKEN_USED = "api_token_used", _("API token used")
    API_TOKEN_REFUSED = "api_token_refused", _("API token refused")
