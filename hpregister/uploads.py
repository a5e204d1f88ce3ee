"""Checks every uploaded file passes before it is kept: size, type (by name and by its first bytes) and,
where ClamAV is configured (``CLAMAV_SOCKET`` or ``CLAMAV_HOST``), a virus scan by clamd.

An infected file is refused at the field. With ClamAV configured but not answering, uploads are refused
too (a file is never kept unscanned where scanning is the rule), with a message saying to try again later.
"""

from __future__ import annotations

import logging
from pathlib import Path

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAGIC = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8",
    ".jpeg": b"\xff\xd8",
    ".docx": b"PK",
    ".xlsx": b"PK",
    ".msg": b"\xd0\xcf\x11\xe0",
}


def scanner():
    """The configured clamd, or None where no virus scanner is configured."""
    if settings.CLAMAV_SOCKET:
        return ClamdUnixSocket(path=settings.CLAMAV_SOCKET, timeout=settings.CLAMAV_TIMEOUT)
    if settings.CLAMAV_HOST:
        return ClamdNetworkSocket(host=settings.CLAMAV_HOST, port=settings.CLAMAV_PORT, timeout=settings.CLAMAV_TIMEOUT)
    return None


def scan(upload) -> None:
    """Refuse an infected file (or any file while the configured scanner cannot be reached)."""
    clamd = scanner()
    if clamd is None:
        return
    upload.seek(0)
    try:
        result = clamd.instream(upload)
    except (ClamdError, OSError) as exc:
        logger.error("Virus scanner unavailable: %s", exc)
        raise forms.ValidationError(
            _("The virus scanner cannot be reached, so the file is not kept. Try again later."), code="scanner"
        ) from exc
    finally:
        upload.seek(0)
    status, signature = result.get("stream", ("ERROR", None))
    if status == "FOUND":
        logger.warning("Infected upload refused: %s (%s)", upload.name, signature)
        raise forms.ValidationError(
            _("The file contains malware (%(signature)s) and is not kept.") % {"signature": signature},
            code="infected",
        )
    if status != "OK":
        raise forms.ValidationError(_("The virus scanner could not check the file. Try again later."), code="scanner")


def check_upload(upload) -> str:
    """Size, type and content of an uploaded file: returns its content type or raises a ValidationError."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    suffix = Path(upload.name).suffix.lower()
    if suffix not in settings.EVIDENCE_TYPES:
        raise forms.ValidationError(
            _("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(settings.EVIDENCE_TYPES))}
        )
    head = upload.read(8)
    upload.seek(0)
    if suffix in MAGIC and not head.startswith(MAGIC[suffix]):
        raise forms.ValidationError(_("The file's content does not match its type."))
    scan(upload)
    return settings.EVIDENCE_TYPES[suffix]
