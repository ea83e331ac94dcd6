"""Making a PDF must not loosen how photos are read: WeasyPrint turns on Pillow's process-wide
LOAD_TRUNCATED_IMAGES when imported, after which a damaged photo upload would be kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django
django.setup()
from PIL import ImageFile
{load}
print(ImageFile.LOAD_TRUNCATED_IMAGES)
"""


def flag_after(load: str) -> str:
    # A fresh interpreter: weasyprint's import runs (and flips the flag) only the first time.
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PROBE.format(load=load)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_importing_weasyprint_itself_would_let_pillow_keep_truncated_images():
    assert flag_after("import weasyprint") == "True"


def test_billing_loads_weasyprint_and_puts_pillows_strictness_back():
    assert flag_after("from billing.pdf import _weasyprint_html; _weasyprint_html()") == "False"
