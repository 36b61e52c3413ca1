"""Issue 16 item 2: the service layer runs without Flask, and no blueprint
reaches into another blueprint's views (each goes to ``surveys.service``)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ("analyst", "api", "respondent")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (``from a.b import c`` gives a.b and a.b.c)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_the_service_package_imports_no_flask() -> None:
    files = sorted((ROOT / "surveys" / "service").glob("*.py"))
    assert len(files) >= 6
    for path in files:
        named = {m for m in _imports(path) if m.split(".")[0] in ("flask", "flask_babel", "flask_login",
                                                                   "werkzeug", "webapp")}
        assert named == set(), f"{path.name} imports {named}"
    # and really loads without it: a fresh interpreter where flask cannot be imported
    code = ("import sys; sys.modules['flask'] = None; sys.modules['flask_babel'] = None\n"
            "import surveys.service.access, surveys.service.comparison, surveys.service.downloads, "
            "surveys.service.progress, surveys.service.trend, surveys.service.waves\n"
            "assert not any(m == 'flask' or m.startswith('flask.') for m in sys.modules if sys.modules[m])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_no_blueprint_imports_another_blueprints_views() -> None:
    for bp in BLUEPRINTS:
        others = [o for o in BLUEPRINTS if o != bp]
        for path in sorted((ROOT / "webapp" / bp).glob("*.py")):
            wrong = {m for m in _imports(path) for o in others
                     if m == f"webapp.{o}.views" or m.startswith(f"webapp.{o}.views.")}
            assert wrong == set(), f"webapp/{bp}/{path.name} imports {wrong}"


def test_the_old_service_module_is_gone() -> None:
    assert not (ROOT / "webapp" / "analyst" / "service.py").exists()
