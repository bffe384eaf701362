"""Gradient-boosted decision trees, evaluated with numpy: the line model's second family.

``bench/boilerplate_train.py --trees N`` fits the trees with LightGBM (a development
dependency) and stores every node of every tree in flat arrays (pre-order, each tree from its
root): an internal node's column, threshold and two children; a leaf is a node whose children
are itself, so a row that has reached it stays there. Evaluating all trees at once is then
``depth`` rounds of array indexing over (lines × trees), ``depth`` the deepest tree's, in blocks
of rows small enough for the index arrays to stay in cache (a 230-line page in one block took
twice as long).

Why not LightGBM at run time: ``import lightgbm`` pulls in scipy (and scikit-learn when it is
installed): 3.8 s measured here, against a start-up target of 1 s for a whole one-page run. The
evaluation gives LightGBM's own raw scores (``Booster.predict(raw_score=True)``) up to the order
of the additions (``tests/test_boilerplate_trees.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: A leaf's threshold: every feature value is below it (valid JSON, unlike inf).
ALWAYS_LEFT = 1e300
#: Rows walked together: (rows × trees) index arrays of a few hundred kB at most.
ROW_BLOCK = 64


class TreeEnsemble:
    """P(content) of feature rows from boosted trees (LightGBM's binary objective: sigmoid of the leaf sum)."""

    def __init__(self, p: dict[str, Any]) -> None:
        self.depth = int(p["depth"])
        self.roots = np.asarray(p["roots"], dtype=np.intp)
        self.feature = np.asarray(p["feature"], dtype=np.intp)
        self.threshold = np.asarray(p["threshold"], dtype=np.float64)
        self.left = np.asarray(p["left"], dtype=np.intp)
        self.right = np.asarray(p["right"], dtype=np.intp)
        self.value = np.asarray(p["value"], dtype=np.float64)
        n = len(self.feature)
        if not (len(self.threshold) == len(self.left) == len(self.right) == len(self.value) == n):
            raise ValueError("trees: the node arrays differ in length")
        if n and max(self.roots.max(), self.left.max(), self.right.max()) >= n:
            raise ValueError("trees: a node points outside the arrays")
        # both children of node i at 2i and 2i + 1: one lookup per level picks the branch taken
        self.children = np.stack([self.left, self.right], axis=1).ravel()

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The sum of the leaves each row reaches (LightGBM's raw score)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        n, width = X.shape
        out = np.empty(n)
        for start in range(0, n, ROW_BLOCK):
            block = X[start:start + ROW_BLOCK]
            flat = block.ravel()
            row = (np.arange(len(block), dtype=np.intp) * width)[:, None]
            at = np.broadcast_to(self.roots, (len(block), len(self.roots)))  # each row's node in each tree
            for _ in range(self.depth):
                right = flat[row + self.feature[at]] > self.threshold[at]
                at = self.children[2 * at + right]
            out[start:start + ROW_BLOCK] = self.value[at].sum(axis=1)
        return out

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.raw(X), -30, 30)))


def export_lightgbm(model: dict[str, Any]) -> dict[str, Any]:
    """``Booster.dump_model()`` of a binary LightGBM model as :class:`TreeEnsemble` parameters.

    Only plain ``<=`` splits on numeric columns are supported (the line features are finite
    numbers: missing values never occur).
    """
    roots: list[int] = []
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    depth = 0

    def add(node: dict[str, Any], level: int) -> int:
        nonlocal depth
        at = len(feature)
        feature.append(0)
        threshold.append(ALWAYS_LEFT)
        left.append(at)
        right.append(at)
        value.append(0.0)
        if "split_feature" not in node:
            value[at] = float(node.get("leaf_value", 0.0))
            depth = max(depth, level)
            return at
        if node["decision_type"] != "<=" or node["missing_type"] not in ("None", "NaN"):
            raise ValueError(f"unsupported split {node['decision_type']} / {node['missing_type']}")
        feature[at] = int(node["split_feature"])
        threshold[at] = float(node["threshold"])
        left[at] = add(node["left_child"], level + 1)
        right[at] = add(node["right_child"], level + 1)
        return at

    for tree in model["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    return {"depth": depth, "roots": roots, "feature": feature, "threshold": threshold, "left": left,
            "right": right, "value": value}
