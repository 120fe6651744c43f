"""The one place the torch twins import torch: a clear message when the optional extra is missing.

``pip install coursepkg`` works without torch; the torch twins need ``pip install coursepkg[torch]``.
"""
try:
    import torch
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "this part of coursepkg needs PyTorch, an optional dependency: install it with "
        "pip install 'coursepkg[torch]' (or pip install torch)") from exc

__all__ = ["torch"]
