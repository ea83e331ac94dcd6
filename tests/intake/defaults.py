"""The default catalogue as the tests read it: the data migration's own copy, so the project holds
the clinical defaults once (intake/migrations/0002_seed_catalogue.py)."""

import importlib

_seed = importlib.import_module("intake.migrations.0002_seed_catalogue")

CATALOGUE = _seed.CATALOGUE
MEDICATION_CLASSES = _seed.MEDICATION_CLASSES
CATALOGUE_VERSION_NOTE = _seed.VERSION_NOTE
