"""The tree is the architecture: the import rules hold, files stay short, views stay thin.

The rules are import-linter contracts in pyproject.toml (`lint-imports` runs them by hand too).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "clinic", "treatments", "intake", "bookings", "photos", "billing", "waitlist", "privacy", "reports")
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 45


def _app_modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and "__pycache__" not in path.parts
    ]


def _lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own venv's lint-imports on our own config
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", str(config)],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_rules_of_the_architecture_hold():
    result = _lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _fake_project(tmp_path: Path, imports: dict[str, str]) -> Path:
    """The six top-level packages with every package the rules name, empty but for the imports
    given (module -> import line), and the project's forbidden-import rules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts = [c for c in config["contracts"] if c["type"] == "forbidden"]
    named = {m for c in contracts for m in (*c["source_modules"], *c["forbidden_modules"])}
    for package in sorted({*APPS, *(m for m in named if m.split(".")[0] in APPS)}):
        for depth in range(1, package.count(".") + 2):
            directory = tmp_path.joinpath(*package.split(".")[:depth])
            directory.mkdir(exist_ok=True)
            (directory / "__init__.py").touch()
    for module, line in imports.items():
        path = tmp_path / (module.replace(".", "/") + ".py")
        path.write_text(line + "\n")
    lines = ["[importlinter]\nroot_packages =\n" + "".join(f"    {app}\n" for app in APPS)]
    lines.append("include_external_packages = True\n")
    for n, contract in enumerate(contracts):
        lines.append(f"[importlinter:contract:{n}]\nname = {contract['name']}\ntype = forbidden\n")
        lines.append("source_modules =\n" + "".join(f"    {m}\n" for m in contract["source_modules"]))
        lines.append("forbidden_modules =\n" + "".join(f"    {m}\n" for m in contract["forbidden_modules"]))
    config_path = tmp_path / ".importlinter"
    config_path.write_text("\n".join(lines))
    return config_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("clinic.views", "import bookings.web", "clinic is the ground floor"),
        ("treatments.views", "from intake import models", "treatments imports only clinic"),
        ("intake.access", "from bookings import models", "intake never imports bookings"),
        ("bookings.domain.availability", "import django", "domain modules are pure"),
        ("bookings.receivers", "import privacy", "bookings never imports the top floor"),
        ("bookings.appointments.records", "from photos import models", "bookings never imports the top floor"),
        ("photos.services", "import privacy", "photos sits on bookings, under the top floor"),
        ("photos.domain.images", "import django", "domain modules are pure"),
        ("bookings.appointments.holds", "import waitlist", "bookings never imports the top floor"),
        ("waitlist.services", "import privacy", "waitlist sits on bookings"),
        ("waitlist.domain.matching", "import django", "domain modules are pure"),
    ],
)
def test_the_rules_catch_a_forbidden_arrow(tmp_path, module, line, broken):
    config = _fake_project(tmp_path, {module: line, "privacy.views": "import bookings, clinic, intake"})
    result = _lint_imports(tmp_path, config)
    assert result.returncode == 1, result.stdout
    assert f"{broken}" in result.stdout.split("Broken contracts")[1]


def test_the_top_floor_may_import_every_app(tmp_path):
    config = _fake_project(tmp_path, {"privacy.services": "import bookings, clinic, intake, treatments"})
    assert _lint_imports(tmp_path, config).returncode == 0


def test_no_module_is_longer_than_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in _app_modules() if (n := p.read_text().count("\n")) > MAX_MODULE_LINES}
    assert long == {}


def test_views_are_thin():
    """Every public function of a web or API module (a view or what it is built from) is short."""
    long = {}
    for path in _app_modules():
        if not {"web", "api"} & set(path.relative_to(ROOT).parts) and path.name != "views.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and (length := node.end_lineno - node.lineno + 1) > MAX_VIEW_LINES:
                long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert long == {}


def test_bookings_root_holds_only_the_app_shell():
    """New code goes into a subpackage by subdomain or audience, never a prefixed flat file."""
    root = {p.name for p in (ROOT / "bookings").glob("*.py")}
    assert root <= {"__init__.py", "admin.py", "apps.py", "tasks.py", "receivers.py", "signals.py", "privacy.py"}


def test_formatting_is_never_switched_off():
    marker = "fmt: " + "skip"  # spelt in two parts so that this file does not match itself
    files = [*_app_modules(), *(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    marked = [str(p.relative_to(ROOT)) for p in files if marker in p.read_text()]
    assert marked == []
