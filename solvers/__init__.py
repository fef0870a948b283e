"""Pure numeric solvers for the book's exercises, one module per exercise family.

The registry maps a solver name to its module and a one-line summary, so that listing the
solvers (and validating banks that name them) costs no numpy import. Each module exposes:

- ``solve(**inputs) -> Result``: with no arguments, the book's exercise;
- ``random_inputs(seed: int) -> dict``: a fresh, well-posed instance of the same shape;
- ``INPUTS``: the accepted input names, so a bank's ``inputs:`` can be checked.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from solvers.result import SolverInputError

# name -> (module, summary). Tests check that every entry imports and solves.
REGISTRY: dict[str, tuple[str, str]] = {
    "tfidf": ("solvers.tfidf", "Rank documents against a query by TF-IDF cosine similarity"),
    "naive-bayes": ("solvers.naive_bayes", "Classify a text with multinomial or Bernoulli Naive Bayes"),
    "adjacency": ("solvers.graphs", "Adjacency matrix and degrees of a directed or undirected graph"),
    "isomorphism": ("solvers.isomorphism", "Decide whether two graphs are isomorphic and give the permutation"),
    "levenshtein": ("solvers.levenshtein", "Edit distance between two words with the DP table and an edit script"),
    "conv": ("solvers.conv", "Output shapes, parameters, multiply-adds and receptive field of conv/pool layers"),
    "depthwise": ("solvers.depthwise", "Standard versus depthwise-separable convolution cost"),
    "sampling": ("solvers.sampling", "Chance an example is never drawn when sampling with replacement"),
    "activations": ("solvers.activations", "Activation functions, their derivatives and plots"),
    "optimize": ("solvers.optimize", "Gradient descent and adaptive optimisers on an ill-conditioned quadratic"),
    "xor": ("solvers.xor", "The smallest network that computes XOR, verified"),
    "backprop": ("solvers.backprop", "Two-layer ReLU network with inverted dropout: forward, backward, gradient check"),
    "kmeans": ("solvers.kmeans", "k-means versus a Gaussian mixture on toy datasets"),
}


def load(name: str) -> ModuleType:
    """Import a solver module by its registry name; raises KeyError for an unknown name."""
    module, _ = REGISTRY[name]
    return importlib.import_module(module)


def unknown_inputs(module: ModuleType, inputs: dict) -> list[str]:
    """The input names a solver does not take (checked against its declared ``INPUTS``)."""
    return [k for k in inputs if k not in module.INPUTS]


__all__ = ["REGISTRY", "SolverInputError", "load", "unknown_inputs"]
