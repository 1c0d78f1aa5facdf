"""Every social operation refuses a banned account (403 ``USER_002``) and a missing token (401)."""
import pytest

from server.products.diora import UPLOAD_RULE

ID = "0" * 24
OPERATIONS = [
    ("get", "/api/post", None), ("get", "/api/post/trending", None), ("get", f"/api/post/{ID}", None),
    ("delete", f"/api/post/{ID}", None), ("put", f"/api/post/like/{ID}", None),
    ("get", f"/api/post/user/{ID}", None), ("get", f"/api/post/user/{ID}/liked", None),
    ("post", "/api/comment/create", {"postId": ID, "text": "x"}), ("post", f"/api/comment/reply/{ID}", {"text": "x"}),
    ("get", f"/api/comment/post/{ID}", None), ("delete", f"/api/comment/{ID}", None),
    ("get", "/api/search", None), ("get", "/api/search/users", None), ("get", "/api/search/shops", None),
    ("get", "/api/notification", None), ("patch", f"/api/notification/mark-as-read/{ID}", None),
    ("patch", "/api/notification/mark-all-as-read", None), ("delete", f"/api/notification/delete/{ID}", None),
    ("post", "/api/report", {"itemType": "user", "itemId": ID, "reason": "spam"}),
]


@pytest.mark.parametrize("method, path, body", OPERATIONS)
def test_a_banned_account_is_refused(client, make, method, path, body):
    me = make.user()
    make.ban(me)
    response = client.request(method.upper(), path, headers=make.headers(me), json=body)
    assert (response.status_code, response.json()["code"]) == (403, "USER_002")


@pytest.mark.parametrize("method, path, body", OPERATIONS)
def test_no_token_is_401(client, method, path, body):
    response = client.request(method.upper(), path, json=body)
    assert (response.status_code, response.json()["code"]) == (401, "AUTH_001")


def test_posting_a_picture_counts_as_an_upload():
    assert "/api/post/create" in UPLOAD_RULE.prefixes
