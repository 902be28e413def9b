"""Features for the note models: word n-grams and character n-grams, each TF-IDF weighted.

The analyzers are module-level functions (no lambdas), so fitted vectorizers pickle.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from nlp.analyzers import BLOCKS

MIN_DF = {"word": 2, "char": 2}


def build_features() -> FeatureUnion:
    """Return an unfitted union of the feature blocks, in `BLOCKS` order."""
    return FeatureUnion(
        [
            (name, TfidfVectorizer(analyzer=raw, min_df=MIN_DF[name], sublinear_tf=True, dtype=np.float32))
            for name, (raw, _) in BLOCKS.items()
        ]
    )


def feature_label(name: str) -> str:
    """Turn a FeatureUnion feature name ('word__加班 多', 'char__夜班') into the words a person reads."""
    _, _, gram = name.partition("__")
    return gram.replace(" ", "")
