"""Canonical content of a version: the resolved document as JSON with sorted keys, and its sha256.

Comments, key order and YAML quoting do not change the hash; text, order of items and choices, and the
content of included shared lists do.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
