"""The layers hold: only the offline engine reads its own internals, and no stage names a
concrete engine (stages talk to the `Engine` interface; `select_engine` picks one)."""

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"
# The one module allowed to name concrete engines: `select_engine`, the factory.
FACTORY = "briefing.engines"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


@functools.cache
def _packages() -> frozenset[str]:
    return frozenset(_module_name(path) for path in PACKAGE.rglob("__init__.py"))


def _imports(name: str, tree: ast.Module) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import anywhere in the module, function
    bodies included, with relative imports resolved."""
    package = name if name in _packages() else name.rsplit(".", 1)[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found += [(base, alias.name) for alias in node.names]
    return found


def _is_offline(module: str) -> bool:
    return module.startswith("briefing.engines.offline")


def _concrete_engines(modules: dict[str, ast.Module]) -> dict[str, str]:
    """Class name → defining module of each engine class under briefing/engines/ (the
    `Engine` protocol itself excluded)."""
    return {
        node.name: name
        for name, tree in modules.items()
        if name.startswith("briefing.engines.")
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name.endswith("Engine") and node.name != "Engine"
    }


def test_the_walk_sees_the_engines_and_the_imports_it_checks():
    modules = _modules()
    engines = _concrete_engines(modules)
    assert {"OfflineEngine", "OpenAIEngine"} <= set(engines)
    assert ("briefing.engines.offline", "OfflineEngine") in _imports(FACTORY, modules[FACTORY])


def test_only_the_offline_engine_imports_the_offline_engine():
    offenders = [
        (name, module)
        for name, tree in _modules().items()
        if not _is_offline(name) and name != FACTORY
        for module, _ in _imports(name, tree)
        if _is_offline(module)
    ]
    assert offenders == []


def test_no_stage_imports_a_concrete_engine():
    modules = _modules()
    engines = _concrete_engines(modules)
    engine_modules = set(engines.values())
    offenders = [
        (name, module, imported)
        for name, tree in modules.items()
        if name != FACTORY and not name.startswith("briefing.engines.")
        for module, imported in _imports(name, tree)
        if module in engine_modules or imported in engines
    ]
    assert offenders == []
