"""Models built from the kernels, and the one training loop they share.

Layer 2 of mdlib (kernels -> models -> verify -> ui): imports only mdlib.kernels.

    losses     the loss registry LOSSES (name -> Loss: kernel, fused, output,
               probabilities, threshold), get_loss, accuracy                  Chapter 2
    network    Chapters 1-2's network: W[l], b[l] by layer l; forward (1), backward,
               loss_and_gradients, evaluate (2); DenseNetwork (loss, sigma) and
               as_params/from_params for the loop
    train      train(loss_and_gradients, params, X, Y, ...): gradient descent on a dict
               of named arrays, batch or mini-batch, with the epsilon stopping rule;
               gradient_descent (2)
    two_layer  Chapter 3's two-layer network in that chapter's names
    cnn        Chapter 4's CNN: a CNN (params {"k", "bk", "W", "b"} + stride, padding,
               pool), train_cnn

The convention (CS231n's Solver rule): a model's parameters are a dict of named arrays,
and its loss_and_gradients(params, X, Y) returns (loss, grads) with grads keyed exactly
like params.
"""
