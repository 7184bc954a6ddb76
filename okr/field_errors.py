"""A validation problem together with the field it is about.

Rules in `okr/` name the field themselves, so a form puts each message beside the input
for that field without reading the sentence to guess where it belongs.
"""

from __future__ import annotations

from typing import NamedTuple


class FieldError(NamedTuple):
    """What is wrong (`message`, a sentence for the person) and where (`field`)."""

    field: str
    message: str
