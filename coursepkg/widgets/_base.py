"""The explorer widget: controls above an Output it owns, redrawn on every change."""
import ipywidgets as widgets

from ..style import pyplot_figures, style_context

__all__ = ["Explorer", "slider_row"]


class Explorer(widgets.VBox):
    """Controls above an :class:`ipywidgets.Output`; every value change redraws into that Output.

    ``draw(**values)`` builds and returns a Figure with :func:`coursepkg.style.new_figure` (in the
    book style, as a pyplot figure); the explorer displays it inside its own Output and closes it.
    Displaying, rather than returning the figure as ``interactive`` callbacks did, is what puts an
    image into the Output: in a live kernel, and in the widget state saved with the notebook, so
    the static book shows the plot of the initial values under the controls.

    Attributes
    ----------
    controls : dict of str -> widget
        The controls, by the keyword of ``draw`` they feed.
    output : ipywidgets.Output
        Where the figure is displayed.
    """

    def __init__(self, draw, controls, style="book"):
        if not callable(draw):
            raise TypeError(f"draw must be a function (**values) -> Figure; got {type(draw).__name__}")
        if not controls:
            raise ValueError("controls must name at least one widget; got none")
        self.draw = draw
        self.style = style
        self.controls = dict(controls)
        self.output = widgets.Output()
        # The children of ``interactive``: the controls, then the output (pages and tests rely on it).
        super().__init__([*self.controls.values(), self.output])
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.redraw()

    @property
    def values(self):
        """The current value of every control, by keyword."""
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, change):
        self.redraw()

    def redraw(self):
        """Draw the figure for the current values into :attr:`output`, replacing the last one."""
        import base64
        import io

        import matplotlib.pyplot as plt

        with style_context(self.style), pyplot_figures():
            fig = self.draw(**self.values)
            png = io.BytesIO()
            fig.savefig(png, format="png")
        plt.close(fig)  # shown once, here; the inline backend must not show it again after the cell
        # The Output's ``outputs`` are set from the kernel side, in one assignment: the new image
        # replaces the old without flicker, whatever the backend, with or without a front end
        # capturing messages, and the saved widget state holds it (what the static book shows).
        data = {"image/png": base64.b64encode(png.getvalue()).decode("ascii"), "text/plain": "<Figure>"}
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)


def slider_row(cls, names, values, **common):
    """One slider of class ``cls`` per name, with its value and the keyword arguments all share."""
    return {name: cls(value=value, description=name, **common) for name, value in zip(names, values)}
