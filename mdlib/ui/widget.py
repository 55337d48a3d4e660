"""The live widgets' common part: LiveWidget (controls over one picture) and control(),
the one way every widget makes its sliders, dropdowns, buttons and text fields.

ipywidgets and IPython are dependencies of the book (pyproject.toml), so they are
imported here, at the top, like everything else.
"""
import ipywidgets as w
from IPython.display import display

# The kinds of control the book's widgets use, by what the reader does with them.
_KINDS = {"slider": w.IntSlider, "steps": w.SelectionSlider, "menu": w.Dropdown,
          "buttons": w.ToggleButtons, "text": w.Text}


def control(kind, description, value, width=None, **options):
    """Defined in Chapter 1. A control made by the book's widget policy, for every
    widget alike.

    kind: "slider" (IntSlider; give min and max), "steps" (SelectionSlider), "menu"
    (Dropdown), "buttons" (ToggleButtons; these three take options) or "text" (Text).
    The policy: labelled by description, starting at value, and redrawing while the
    reader drags or types (continuous_update, where the control has it): every picture
    is cheap enough (benchmarks/widgets.py). width: a CSS width for a control whose
    labels are long.
    """
    make = _KINDS[kind]
    if "continuous_update" in make.class_trait_names():
        options["continuous_update"] = True
    if width is not None:
        options["layout"] = w.Layout(width=width)
    return make(value=value, description=description, **options)


def note():
    """Defined in Chapter 1. A line of HTML below a widget's controls, for a message
    (not a control)."""
    return w.HTML()


class LiveWidget:
    """Defined in Chapter 1. Rows of controls over one picture (an ipywidgets.HTML).

    A subclass makes its controls with control(), then calls LiveWidget.__init__(self,
    rows, below), and implements render() -> (view, html): the pure view its controls
    select and its picture. Any control change calls update(), which renders, shows the
    html and returns the view (the tests and the benchmark call it directly, as a
    control change would); widget.view is the view drawn last.

    A render may move controls (lowering a slider's max moves its value), which fires
    update() again while it runs; the guard makes that one render. widget.ui is the box
    to display. Displaying the widget shows that box's live view; its text/plain (what a
    notebook shows before it is run, or without the saved widget state) says what it is
    instead of repeating the box's repr. Its text/html is the explorable (explorable()):
    what the HTML book shows, with no kernel.
    """

    def __init__(self, rows, below=()):
        self.picture = w.HTML()
        self.view = None
        self._updating = False
        for row in rows:
            for c in row:
                c.observe(self.update, names="value")
        self.ui = w.VBox(
            [w.HBox(list(row)) for row in rows] + list(below) + [self.picture]
        )
        self.update()

    def render(self):
        """The view the controls select and its picture's HTML: (view, html)."""
        raise NotImplementedError

    def explorable(self):
        """The widget with no kernel: an mdlib.ui.explorable.Explorable with the same
        controls over the states the HTML offers (every option of a small control,
        presets of a large one), drawn by the same view and drawing functions as
        render(), starting at the controls' current values."""
        raise NotImplementedError

    def update(self, change=None):
        """Render once (a change fired during a render is part of it) and return the
        view drawn."""
        if self._updating:
            return self.view
        self._updating = True
        try:
            self.view, self.picture.value = self.render()
        finally:
            self._updating = False
        return self.view

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.ui._repr_mimebundle_()
        bundle["text/plain"] = (
            f"Live widget ({type(self).__name__}): run this notebook's cells in "
            "Jupyter to use it."
        )
        bundle["text/html"] = self.explorable()._repr_html_()
        return bundle

    def _ipython_display_(self):
        display(self._repr_mimebundle_(), raw=True)
