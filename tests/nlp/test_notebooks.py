"""The evaluation notebook runs from top to bottom against the default model."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (ROOT / "models" / "default" / "metadata.json").exists(), reason="no default model: run make")
def test_evaluation_notebook_executes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINSHENG_ROOT", str(ROOT))
    nb = nbformat.read(ROOT / "notebooks" / "evaluation.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), "strip outputs before commit"
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "concern macro-F1" in text
    assert "risk errors" in text
