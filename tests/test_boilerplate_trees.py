"""The boosted trees of the line model: numpy evaluation against LightGBM's own, and the blend."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.boilerplate.lines import Line
from pipeline.boilerplate.text_classifier import WEIGHTS_PATH, TextBoilerplateClassifier, is_layout_page
from pipeline.boilerplate.trees import ALWAYS_LEFT, TreeEnsemble, export_lightgbm


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 12))
    X[:, 3] = rng.integers(0, 5, n)  # counts: thresholds fall between integers, values on them
    X[:, 4] = X[:, 4] > 0.5  # a flag
    y = (X[:, 0] + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] - X[:, 4] + rng.normal(size=n) > 0.7).astype(int)
    return X, y


def _booster(depth: int, trees: int = 40, leaves: int = 15) -> object:
    lightgbm = pytest.importorskip("lightgbm")  # the dev group's; only these tests need it
    X, y = _data(4000, 0)
    params = {"objective": "binary", "num_leaves": leaves, "max_depth": depth, "num_threads": 1, "seed": 0,
              "verbose": -1}
    return lightgbm.train(params, lightgbm.Dataset(X, y), num_boost_round=trees)


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_trees_give_lightgbms_own_scores(depth: int) -> None:
    booster = _booster(depth)
    params = export_lightgbm(booster.dump_model())
    assert params["depth"] <= depth
    trees = TreeEnsemble(params)
    X, _ = _data(3000, 1)
    X[:7, 3] = [0, 1, 2, 3, 4, 2.5, -1]  # on and between the integer thresholds
    assert np.abs(trees.raw(X) - booster.predict(X, raw_score=True)).max() < 1e-9
    assert np.abs(trees(X) - booster.predict(X)).max() < 1e-9


def test_a_single_leaf_tree_and_shapes() -> None:
    model = {"tree_info": [{"tree_structure": {"leaf_value": 0.25}},
                           {"tree_structure": {"split_feature": 1, "threshold": 0.5, "decision_type": "<=",
                                               "missing_type": "None", "left_child": {"leaf_value": -1.0},
                                               "right_child": {"leaf_value": 2.0}}}]}
    params = export_lightgbm(model)
    assert params["depth"] == 1 and params["roots"] == [0, 1]
    trees = TreeEnsemble(params)
    X = np.array([[9.0, 0.5], [9.0, 0.51], [0.0, -3.0]])
    assert trees.raw(X).tolist() == [-0.75, 2.25, -0.75]
    assert trees.raw(np.zeros((0, 2))).shape == (0,)
    with pytest.raises(ValueError, match="differ in length"):
        TreeEnsemble({**params, "value": [0.0]})
    with pytest.raises(ValueError, match="outside"):
        TreeEnsemble({**params, "right": [0, 9, 2, 3]})


def test_the_classifier_blends_the_trees_on_flat_text() -> None:
    """weights.json with a ``trees`` block: on flat text the model's score is the blend of the two
    families; on a rendered layout the networks' alone unless the block says ``layouts``."""
    params = json.loads(WEIGHTS_PATH.read_text())
    params.pop("trees", None)
    nets_only = TextBoilerplateClassifier(params=params)
    flat = [Line(0, 40, "A sentence of plain text, flat like turku.", 0)] * 3 + [Line(0, 4, "Home", 0)]
    layout = [Line(0, 4, "Home", 2), Line(0, 5, "About", 2)] * 3 + flat
    assert not is_layout_page(flat) and is_layout_page(layout)
    # one tree on the bias column (always 1): -3 at or below 0.5, +3 above, so +3 on every line
    params["trees"] = {"depth": 1, "blend": 0.25, "roots": [0], "feature": [0, 0, 0],
                       "threshold": [0.5, ALWAYS_LEFT, ALWAYS_LEFT], "left": [1, 1, 2], "right": [2, 1, 2],
                       "value": [0.0, -3.0, 3.0]}
    tree_p = 1 / (1 + np.exp(-3.0))
    blended = TextBoilerplateClassifier(params=params)
    for lines, expect_blend in ((flat, True), (layout, False)):
        got = blended._scores(lines, None, is_layout_page(lines))[2]
        base = nets_only._scores(lines, None, is_layout_page(lines))[2]
        assert np.allclose(got, 0.75 * base + 0.25 * tree_p if expect_blend else base)
    params["trees"]["layouts"] = True
    everywhere = TextBoilerplateClassifier(params=params)
    got = everywhere._scores(layout, None, True)[2]
    assert np.allclose(got, 0.75 * nets_only._scores(layout, None, True)[2] + 0.25 * tree_p)
    # with a band, only the lines whose networks' score lies inside it are blended; the others keep theirs
    base = nets_only._scores(flat, None, False)[2]
    lo, hi = float(np.min(base)), float(np.max(base))
    assert lo < hi  # the sentence lines and "Home" score apart
    params["trees"]["band"] = [lo, hi + 1e-9]  # lo itself is outside: the band is open
    banded = TextBoilerplateClassifier(params=params)._scores(flat, None, False)[2]
    inside = base > lo
    assert np.allclose(banded[inside], 0.75 * base[inside] + 0.25 * tree_p)
    assert np.array_equal(banded[~inside], base[~inside]) and (~inside).any() and inside.any()
