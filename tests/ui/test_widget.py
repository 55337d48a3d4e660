"""What every live widget shares: controls made one way, one render per change, the text fallback."""
import ipywidgets
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import display
from IPython.utils.capture import capture_output

from mdlib.ui.backprop import BackpropWidget
from mdlib.ui.convolution import ConvWidget, PoolWidget
from mdlib.ui.notation import NotationWidget
from mdlib.ui.shapes import ShapeExplorer
from mdlib.ui.widget import LiveWidget, control, note

WIDGETS = [NotationWidget, BackpropWidget, ShapeExplorer, ConvWidget, PoolWidget]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def controls(widget):
    return [c for row in widget.ui.children[:-1] if isinstance(row, ipywidgets.HBox) for c in row.children]


class Clamping(LiveWidget):
    """A widget whose render lowers a slider's max, which moves the slider: a change during a render."""

    def __init__(self):
        self.renders = 0
        self.n = control("slider", "n", 5, min=0, max=9)
        self.limit = control("slider", "limit", 9, min=0, max=9)
        super().__init__([[self.n, self.limit]], below=[note()])

    def render(self):
        self.renders += 1
        self.n.max = self.limit.value
        return {"n": self.n.value}, f"<p>n = {self.n.value}</p>"


def test_a_change_during_a_render_is_part_of_that_render():
    w = Clamping()
    assert w.renders == 1 and w.view == {"n": 5}
    w.limit.value = 2                                 # clamps n from 5 to 2 inside the render
    assert w.renders == 2 and w.n.value == 2 and w.view == {"n": 2} and w.picture.value == "<p>n = 2</p>"
    assert w.update() == {"n": 2} and w.renders == 3


def test_control_applies_the_policy_to_every_kind():
    slider = control("slider", "m", 3, min=1, max=9)
    assert (type(slider), slider.description, slider.value, slider.continuous_update) == (ipywidgets.IntSlider, "m", 3, True)
    text = control("text", "widths", "3-2", placeholder="e.g.")
    assert text.continuous_update is True and text.placeholder == "e.g."
    menu = control("menu", "loss", "b", options=["a", "b"], width="420px")
    assert menu.value == "b" and menu.layout.width == "420px"
    assert control("buttons", "mode", "y", options=["x", "y"]).value == "y"
    assert control("steps", "step", 2, options=[("two", 2), ("one", 1)]).value == 2
    with pytest.raises(KeyError):
        control("knob", "k", 1)


@pytest.mark.parametrize("cls", WIDGETS)
def test_every_widget_is_controls_over_a_picture_made_by_the_policy(cls):
    widget = cls()
    assert isinstance(widget, LiveWidget) and widget.ui.children[-1] is widget.picture
    assert widget.view is not None and widget.picture.value
    made = controls(widget)
    assert made and all(c.continuous_update for c in made if "continuous_update" in c.trait_names())


@pytest.mark.parametrize("cls", WIDGETS)
def test_every_control_change_changes_the_picture(cls):
    widget = cls()
    for c in controls(widget):
        before = widget.picture.value
        if isinstance(c, ipywidgets.IntSlider):
            c.value = c.min if c.value != c.min else c.max
        elif isinstance(c, ipywidgets.Text):
            c.value = "2-5-3"
        else:
            values = [o[1] if isinstance(o, tuple) else o for o in c.options]
            c.value = next(v for v in values if v != c.value)
        assert widget.picture.value != before, f"{cls.__name__}.{c.description}"


@pytest.mark.parametrize("cls", WIDGETS)
def test_display_records_the_live_view_and_a_readable_fallback(cls):
    """What a notebook records: the widget view for a kernel, the explorable (HTML) and text
    for a reader without one."""
    InteractiveShell.instance()
    widget = cls()
    with capture_output() as captured:
        display(widget)
    (output,) = captured.outputs
    assert output.data[WIDGET_VIEW]["model_id"] == widget.ui.model_id
    text = output.data["text/plain"]
    assert f"Live widget ({cls.__name__})" in text and "run this notebook" in text and "VBox" not in text
    assert output.data["text/html"] == widget.explorable()._repr_html_()
    assert widget._repr_mimebundle_() == output.data
