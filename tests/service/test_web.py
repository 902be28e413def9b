"""`GET /`: the web app page is served, in Chinese, without a token, and holds no data."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_web_app_is_served_in_chinese_without_a_token(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="zh-CN">' in page
    assert "提交记录" in page and "我的跟进工单" in page
    assert "/api/v1/notes" in page and "Idempotency-Key" in page
