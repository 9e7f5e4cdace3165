"""The wiring every explorer shares: controls, and a figure that is redrawn when one moves.

The figure is rendered to PNG and written straight into an ``ipywidgets.Output``'s state,
instead of being displayed through IPython inside the Output. Displaying through IPython needs a
front end to route the image into the widget: JupyterLab and nbclient do, nbval's kernel does
not, and the stored outputs would then differ between runs. Writing the state works the same
everywhere, and nbconvert's saved widget state keeps the picture for static slides.
"""

from __future__ import annotations

import base64
import io

__all__ = ["explorer", "figure_output"]


def figure_output(fig) -> dict:
    """A Jupyter ``display_data`` output holding ``fig`` as a PNG; the figure is then closed."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure (draw functions return their figure "
                        f"instead of calling plt.show()), got {type(fig).__name__}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": png, "text/plain": "<figure>"}}


def _explorer_class():
    import ipywidgets as widgets

    class Explorer(widgets.VBox):
        """A column of controls above the figure they drive; ``refresh()`` redraws it."""

        def __repr__(self) -> str:  # short and stable: it is the text stored in notebooks
            names = ", ".join(c.description for c in self.controls)
            return f"Explorer(controls: {names})"

    return Explorer


def explorer(draw, **controls):
    """Wire ipywidgets ``controls`` to ``draw(**values) -> Figure`` and return the widget.

    ``controls`` maps each keyword argument of ``draw`` to the widget that sets it. The figure is
    drawn once now and again whenever a control's value changes.
    """
    import ipywidgets as widgets

    if not callable(draw):
        raise TypeError(f"draw must be a function returning a Figure, got {type(draw).__name__}")
    if not controls or not all(isinstance(c, widgets.ValueWidget) for c in controls.values()):
        raise TypeError("controls must be ipywidgets controls given as keyword arguments, "
                        "e.g. explorer(draw, w=FloatSlider(...))")
    out = widgets.Output()
    row = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
    box = _explorer_class()([row, out])
    box.controls = list(controls.values())

    def refresh(_change=None):
        values = {name: control.value for name, control in controls.items()}
        out.outputs = (figure_output(draw(**values)),)

    for control in controls.values():
        control.observe(refresh, names="value")
    box.refresh = refresh
    refresh()
    return box
