"""GB layer tuning: only the top layers train, and what is saved is exactly them, in float16."""

from __future__ import annotations

import numpy as np

from benchmarks.train_gb_layers import tune_layers, tuned_weights
from clausetrace.index.embed import load_sentence_model

TRIPLES = [
    (
        "Installation of Smart Metering Systems",
        "The licensee must take all reasonable steps to install.",
        None,
    ),
    ("What does Supplier Transfer mean?", "Supplier Transfer means a change of supplier.", None),
    (
        "Comms hub",
        "Communications Hub means the device that links a meter to the DCC.",
        "A Meter Asset Provider.",
    ),
]


def test_only_the_top_layers_train_and_they_are_what_is_saved() -> None:
    model, base = tune_layers(TRIPLES, layers=1, epochs=1, lr=1e-3), load_sentence_model()
    weights, before = model[0].auto_model.state_dict(), base[0].auto_model.state_dict()
    changed = {k for k in weights if not np.array_equal(weights[k].numpy(), before[k].numpy())}
    saved = tuned_weights(model, 1)
    assert changed and all(k.startswith("encoder.layer.5.") for k in changed) and changed <= set(saved)
    assert all(v.dtype.is_floating_point and v.element_size() == 2 for v in saved.values())
    assert all(k.startswith("encoder.layer.5.") for k in saved)
