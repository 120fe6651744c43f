"""Torch helpers for the GPU cells: device choice and seeding.

This is the only place coursepkg imports torch, so ``import coursepkg`` stays fast.
"""
import random

import numpy as np
import torch

__all__ = ["device", "seed_everything", "on_gpu"]


def device(prefer="cuda"):
    """The torch device the GPU cells run on: CUDA when present (and preferred), else the CPU.

    Examples
    --------
    >>> device("cpu")
    device(type='cpu')
    """
    if prefer not in ("cuda", "cpu"):
        raise ValueError(f"prefer must be 'cuda' or 'cpu'; got {prefer!r}")
    if prefer == "cuda" and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def on_gpu():
    """True when a CUDA GPU is available; GPU cells then run at full size."""
    return torch.cuda.is_available()


def seed_everything(seed):
    """Seed Python's, numpy's and torch's generators (all devices) with ``seed``."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed
