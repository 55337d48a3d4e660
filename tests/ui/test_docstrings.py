"""Every public function and class of mdlib.ui says which chapter defines it, and the chapter
modules' say their own chapter."""
import importlib
import inspect
import re

import pytest

CHAPTERS = {"notation": 1, "backprop": 2, "shapes": 3, "convolution": 4}
MODULES = list(CHAPTERS) + ["svg", "widget", "stepper", "source", "plots", "palette"]


def public(module):
    return [(name, obj) for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__]


@pytest.mark.parametrize("name", MODULES)
def test_public_names_say_their_chapter(name):
    module = importlib.import_module(f"mdlib.ui.{name}")
    for attr, obj in public(module):
        found = re.findall(r"Defined in Chapter (\d)", obj.__doc__ or "")
        assert found, f"mdlib.ui.{name}.{attr} does not say which chapter defines it"
        if name in CHAPTERS:
            assert found == [str(CHAPTERS[name])], f"mdlib.ui.{name}.{attr}"
