"""Helpers for the trends tests: notes through the real ingest path, with the real tagger."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

TEXTS = [
    "工资偏低，绩效工资被扣，家里负担重。",
    "加班太多，人手不够，长期睡不好觉。",
    "希望有职称评定和培训的机会，感觉发展受限。",
    "食堂饭菜不错，对班组氛围比较满意。",
    "设备老化存在安全隐患，防护用品不够。",
    "孩子上学难，老人生病需要照顾。",
]


def ingest(
    client: TestClient,
    headers: dict[str, str],
    branch: str,
    n: int,
    day: str = "2026-11-18",
    source: str = "talk",
) -> list[dict[str, Any]]:
    """Store n notes through POST /api/v1/notes/batch and return them as read back (admin headers)."""
    body = {
        "notes": [
            {
                "branch": branch,
                "source": source,
                "text": TEXTS[i % len(TEXTS)] + f"（第{i}次）",
                "occurred_on": day,
            }
            for i in range(n)
        ]
    }
    response = client.post("/api/v1/notes/batch", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == n
    return [
        client.get(f"/api/v1/notes/{item['id']}", headers=headers).json() for item in response.json()["items"]
    ]
