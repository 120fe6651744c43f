"""Chapter 2 figures: registered, and the gradient-norm figure shows what it claims."""
import numpy as np
import pytest

from coursepkg.mlp import gradient_norms
from coursepkg.figures import render, select

pytestmark = pytest.mark.ch2


def test_chapter_2_figures_are_registered_and_build():
    names = {s.name for s in select(chapter=2)}
    assert names == {"computation_graph", "computation_graph_branches", "gradient_norms_per_layer", "gradient_cost"}
    fig = render("computation_graph")
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "11.652" in texts and "5.500" in texts and "1.716" in texts  # the lecture's numbers


def test_sigmoid_gradients_vanish_and_relu_with_he_init_does_not():
    sig, rel = gradient_norms(12, "sigmoid"), gradient_norms(12, "relu")
    # sigmoid' <= 1/4 per layer, so the first layer's gradient is orders of magnitude smaller
    assert sig[0] / sig[-1] < 1e-4
    assert 1e-2 < rel[0] / rel[-1] < 1e2
    assert np.all(np.isfinite(sig)) and np.all(np.isfinite(rel))
