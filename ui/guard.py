"""Routes that act need a session (登录保护): with login enabled, Gradio's own /reset and /cancel routes
answer without one, so this middleware refuses them (401) for requests without a logged-in cookie."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

GUARDED = ("/gradio_api/reset", "/gradio_api/cancel", "/gradio_api/stream")


class SessionGuard:
    """Pure ASGI middleware over the Gradio app."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/").startswith(GUARDED):
            gradio_app = scope.get("app")
            if getattr(gradio_app, "auth", None) is not None and not self._logged_in(scope, gradio_app):
                body = json.dumps({"error": "未登录", "detail": "请先登录。"}, ensure_ascii=False).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _logged_in(scope: Scope, gradio_app) -> bool:
        cookies = Request(scope).cookies
        cookie_id = getattr(gradio_app, "cookie_id", "")
        token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
        return bool(token) and token in getattr(gradio_app, "tokens", {})
