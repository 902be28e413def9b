"""Xinsheng's language library: normalisation, segmentation, tagging and scrubbing of notes."""

from nlp.segment import tokenize
from nlp.text import normalise

__all__ = ["normalise", "tokenize"]
