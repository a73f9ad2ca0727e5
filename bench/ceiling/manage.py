"""The ceiling project's manage.py (bench/payments_bench.py runs `migrate` through it)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceiling.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
