"""The book's user interface: one module per chapter, over a few shared pieces.

Layer 4 of mdlib (kernels -> models -> verify -> ui): may import every layer below.

    notation     Chapter 1: the weight w^l_{jk}; NotationWidget, notation_stepper
    backprop     Chapter 2: BP1-BP4 layer by layer; BackpropWidget, backprop_stepper
    shapes       Chapter 3: the two-layer network's shapes; ShapeExplorer,
                 shape_explorer_stepper
    convolution  Chapter 4: WORKED_EXAMPLE, conv and pool cells; ConvWidget, PoolWidget,
                 steppers

Each chapter module holds that chapter's pure views (dicts the tests check), their
drawing, its static stepper and its live widget. Shared:

    palette      every colour (drawings, plots, the Sphinx extension's favicon)
    svg          drawing primitives: grids, heatmaps, labels, svg_as_img, stale_html
    widget       LiveWidget (controls over one picture) and control(), the one way
                 controls are made
    stepper      Stepper: pre-rendered frames that step with no kernel
    source       source(*objects): mdlib's own source in the book
    plots        matplotlib figures: training_curves, image_grid
"""
