"""coursepkg: the package behind the open machine-learning course.

Each module carries one concept of the lectures, numpy only; torch is imported only by
``coursepkg.gpu`` so that ``import coursepkg`` stays fast.
"""
__version__ = "0.1.0"

__all__ = ["__version__"]
