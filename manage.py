#!/usr/bin/env python
"""Django's command-line utility for Legal CRM."""

import os
import sys
from pathlib import Path


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent / "apps"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.embedded")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
