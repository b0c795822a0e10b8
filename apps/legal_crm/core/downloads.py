"""Uploaded files are served only by views that have checked who asks (no public /media/); this is the answer."""

from __future__ import annotations

import os

from django.http import FileResponse


def file_response(request, field_file) -> FileResponse:
    """The file as a download named as uploaded, or shown in the browser with ?inline=1."""
    return FileResponse(field_file.open("rb"), as_attachment=request.GET.get("inline") != "1",
                        filename=os.path.basename(field_file.name))
