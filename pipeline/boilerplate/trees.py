"""Gradient-boosted decision trees, evaluated with numpy: the line model's second family.

``bench/boilerplate_train.py --trees N`` fits the trees with LightGBM (a development
dependency) and stores them here as full binary trees of ``depth`` levels, a node's children at
``2n+1`` / ``2n+2``; a leaf above the bottom level is stored as a node that always goes left
(a threshold above any feature value) down to a bottom slot holding its value. Evaluating every tree at once is then
``depth`` rounds of array indexing over (lines × trees).

Why not LightGBM at run time: ``import lightgbm`` pulls in scipy (and scikit-learn when it is
installed): 3.8 s measured here, against a start-up target of 1 s for a whole one-page run. The
evaluation gives LightGBM's own raw scores (``Booster.predict(raw_score=True)``) up to the order
of the additions (``tests/test_boilerplate_trees.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: The threshold of a padding node: every feature value is below it, so the path goes left (valid JSON, unlike inf).
ALWAYS_LEFT = 1e300


class TreeEnsemble:
    """P(content) of feature rows from boosted trees (LightGBM's binary objective: sigmoid of the leaf sum)."""

    def __init__(self, p: dict[str, Any]) -> None:
        self.depth = int(p["depth"])
        feature = np.asarray(p["feature"], dtype=np.intp)
        self.n_trees, self.n_nodes = feature.shape
        if self.n_nodes != 2 ** self.depth - 1:
            raise ValueError(f"trees: {self.n_nodes} nodes per tree is not a full tree of depth {self.depth}")
        self.feature = feature.ravel()
        self.threshold = np.asarray(p["threshold"], dtype=np.float64).ravel()
        self.leaf = np.asarray(p["leaf"], dtype=np.float64).ravel()
        if len(self.leaf) != self.n_trees * (self.n_nodes + 1):
            raise ValueError("trees: leaf values do not match the trees")
        self._node_base = np.arange(self.n_trees, dtype=np.intp) * self.n_nodes
        self._leaf_base = np.arange(self.n_trees, dtype=np.intp) * (self.n_nodes + 1) - self.n_nodes

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The sum of the leaves each row reaches (LightGBM's raw score)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        n, width = X.shape
        flat = X.ravel()
        row = (np.arange(n, dtype=np.intp) * width)[:, None]
        at = np.zeros((n, self.n_trees), dtype=np.intp)  # each row's node in each tree
        for _ in range(self.depth):
            node = self._node_base + at
            at = 2 * at + 1 + (flat[row + self.feature[node]] > self.threshold[node])
        return self.leaf[self._leaf_base + at].sum(axis=1)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.raw(X), -30, 30)))


def export_lightgbm(model: dict[str, Any], depth: int) -> dict[str, Any]:
    """``Booster.dump_model()`` of a binary LightGBM model as :class:`TreeEnsemble` parameters.

    Only plain ``<=`` splits on numeric columns without missing values are supported (the line
    features are finite numbers); a tree deeper than *depth* is refused.
    """
    trees = model["tree_info"]
    n_nodes = 2 ** depth - 1
    feature = np.zeros((len(trees), n_nodes), dtype=np.int64)
    threshold = np.full((len(trees), n_nodes), ALWAYS_LEFT)
    leaf = np.zeros((len(trees), n_nodes + 1))

    def fill(t: int, node: dict[str, Any], at: int, level: int) -> None:
        if "split_feature" not in node:  # a leaf: every bottom slot under `at` holds its value
            lo = hi = at
            for _ in range(depth - level):
                lo, hi = 2 * lo + 1, 2 * hi + 2
            leaf[t, lo - n_nodes:hi - n_nodes + 1] = node.get("leaf_value", 0.0)
            return
        if level >= depth:
            raise ValueError(f"tree {t} is deeper than {depth}")
        if node["decision_type"] != "<=" or node["missing_type"] not in ("None", "NaN"):
            raise ValueError(f"tree {t}: unsupported split {node['decision_type']} / {node['missing_type']}")
        feature[t, at] = node["split_feature"]
        threshold[t, at] = node["threshold"]
        fill(t, node["left_child"], 2 * at + 1, level + 1)
        fill(t, node["right_child"], 2 * at + 2, level + 1)

    for t, tree in enumerate(trees):
        fill(t, tree["tree_structure"], 0, 0)
    return {"depth": depth, "feature": feature.tolist(), "threshold": threshold.tolist(), "leaf": leaf.tolist()}
