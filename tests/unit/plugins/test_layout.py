"""The house rules of plugins/ (see docs/architecture.md): file and class sizes, the wings and what
each may import, pyroute2 and its kin only under _kernel, thin modules."""
import ast
import pathlib

import pytest

PLUGINS = pathlib.Path(__file__).resolve().parents[3] / "plugins"
UTILS = PLUGINS / "module_utils"
PREFIX = "ansible_collections.linuxnet.netns.plugins.module_utils."
WINGS = ("_description", "_reconcile", "_kernel", "_verify", "_report")
# What each wing may import of the others, as its __init__ says; the loose files at the top
# (errors, version) are reached by every wing.
MAY_IMPORT = {
    "_description": set(),
    "_kernel": {"_description.vocabulary"},
    "_reconcile": {"_description", "_kernel"},
    "_verify": {"_description", "_reconcile.lookups"},
    "_report": {"_description", "_reconcile"},
}
KERNEL_LIBRARIES = ("pyroute2", "nftables", "ethtool")
MAX_FILE_LINES = 400
MAX_CLASS_LINES = 250
MAX_MODULE_CODE_LINES = 45


def utils_files():
    return sorted(UTILS.rglob("*.py"))


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("path", utils_files(), ids=lambda path: str(path.relative_to(UTILS)))
def test_no_file_is_over_the_limit(path):
    assert len(path.read_text().splitlines()) <= MAX_FILE_LINES


@pytest.mark.parametrize("path", utils_files(), ids=lambda path: str(path.relative_to(UTILS)))
def test_no_class_is_over_the_limit(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno + 1 <= MAX_CLASS_LINES, node.name


def test_at_most_four_loose_files_at_the_top():
    loose = [path.name for path in UTILS.glob("*.py") if path.name != "__init__.py"]
    assert len(loose) <= 4, loose
    assert sorted(path.name for path in UTILS.iterdir() if path.is_dir() and path.name != "__pycache__") == sorted(WINGS)


@pytest.mark.parametrize("wing", WINGS)
def test_each_wing_says_its_job_and_imports_only_what_it_may(wing):
    assert ast.get_docstring(ast.parse((UTILS / wing / "__init__.py").read_text()))
    for path in (UTILS / wing).glob("*.py"):
        for module in imported_modules(path):
            if module.startswith(PREFIX) and module[len(PREFIX):].split(".")[0] in WINGS:
                other = module[len(PREFIX):]
                allowed = {wing} | MAY_IMPORT[wing]
                assert any(other == name or other.startswith(name + ".") for name in allowed), \
                    f"{path.name} imports {module}"


@pytest.mark.parametrize("path", sorted(PLUGINS.rglob("*.py")), ids=lambda path: str(path.relative_to(PLUGINS)))
def test_kernel_libraries_are_imported_only_under_kernel(path):
    if UTILS / "_kernel" in path.parents:
        return
    for module in imported_modules(path):
        assert module.split(".")[0] not in KERNEL_LIBRARIES, f"{path.name} imports {module}"


@pytest.mark.parametrize("path", sorted((PLUGINS / "modules").glob("*.py")), ids=lambda path: path.name)
def test_modules_are_thin(path):
    """Lines of code outside DOCUMENTATION, EXAMPLES and RETURN, blank lines and comments."""
    tree = ast.parse(path.read_text())
    docs = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("DOCUMENTATION", "EXAMPLES", "RETURN")
                                                for t in node.targets):
            docs.update(range(node.lineno, node.end_lineno + 1))
    code = [line for number, line in enumerate(path.read_text().splitlines(), 1)
            if number not in docs and line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_MODULE_CODE_LINES
