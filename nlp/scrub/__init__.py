"""Personal-data scrubbing of notes: names, phones, ID numbers, e-mails and bank cards → typed placeholders."""

from nlp.scrub.core import PLACEHOLDERS, PiiSpan, ScrubResult, scrub, scrub_many

__all__ = ["PLACEHOLDERS", "PiiSpan", "ScrubResult", "scrub", "scrub_many"]
