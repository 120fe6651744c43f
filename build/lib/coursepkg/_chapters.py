"""Find the per-chapter modules (``ch01.py``, ``ch02.py``, ...) of a registry package."""
import importlib
import pkgutil

__all__ = ["chapter_modules"]


def chapter_modules(package_path, package_name):
    """Import and return, in chapter order, every ``chNN`` module of a package.

    The figure and exercise registries use it, so a chapter registers its figures and exercises
    by adding one file, with no central list to edit.
    """
    names = sorted(info.name for info in pkgutil.iter_modules(package_path) if info.name.startswith("ch"))
    return [importlib.import_module(f"{package_name}.{name}") for name in names]
