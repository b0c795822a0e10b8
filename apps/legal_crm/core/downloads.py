"""Uploaded files are served only by views that have checked who asks (no public /media/); this is the answer."""

from __future__ import annotations

import logging
import os

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def file_response(request, field_file) -> FileResponse:
    """The file as a download named as uploaded, or shown in the browser with ?inline=1. A record whose file is
    gone from the storage (or never had one) is a 404 «Файл недоступен», not a 500."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:  # ValueError: the field holds no file at all
        logger.warning("file %r of %s is missing from the storage", field_file.name,
                       getattr(field_file, "instance", None).__class__.__name__)
        raise Http404(_("Файл недоступен")) from exc
    return FileResponse(handle, as_attachment=request.GET.get("inline") != "1",
                        filename=os.path.basename(field_file.name))
