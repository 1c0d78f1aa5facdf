"""Profiles: one's own, anyone's, trending, following, image uploads."""
import datetime as dt

import pytest

from models.base import utcnow
from models.diora import database
from models.diora.tables.users import Follow
from tests.diora.conftest import error, jpeg, png


class TestGetMe:
    def test_answers_the_account_with_its_lists(self, client, make):
        me, other = make.user(), make.user()
        make.follow(me, other)
        make.follow(other, me)
        response = client.get("/api/user/me", headers=make.headers(me))
        assert response.status_code == 200
        user = response.json()["user"]
        assert (user["_id"], user["email"], user["followers"], user["following"]) == (
            me.id, me.email, [other.id], [other.id])
        assert (user["followersCount"], user["followingCount"], user["likedPosts"]) == (1, 1, [])

    def test_records_activity_at_most_every_few_minutes(self, client, make):
        me = make.user(last_active_at=utcnow() - dt.timedelta(hours=1))
        client.get("/api/user/me", headers=make.headers(me))
        seen = make.reload(me).last_active_at
        assert utcnow() - seen.replace(tzinfo=dt.timezone.utc) < dt.timedelta(minutes=1)
        client.get("/api/user/me", headers=make.headers(me))
        assert make.reload(me).last_active_at == seen

    def test_needs_a_token(self, client):
        assert client.get("/api/user/me").status_code == 401


class TestGetUser:
    def test_another_users_public_profile(self, client, make):
        me, other = make.user(), make.user(full_name="Bob Chen", bio="Streetwear")
        make.follow(me, other)
        response = client.get(f"/api/user/{other.id}", headers=make.headers(me))
        assert response.status_code == 200
        user = response.json()["user"]
        assert set(user) == {"_id", "username", "fullName", "avatar", "bio", "isVerified", "type", "status",
                             "followers", "following", "followersCount", "followingCount", "posts", "createdAt",
                             "shop"}
        assert (user["fullName"], user["bio"], user["followers"], user["followersCount"]) == (
            "Bob Chen", "Streetwear", [me.id], 1)

    def test_ones_own_id_answers_as_me(self, client, make):
        me = make.user()
        user = client.get(f"/api/user/{me.id}", headers=make.headers(me)).json()["user"]
        assert user["email"] == me.email and "settings" in user

    def test_a_shop_shows_its_shop_profile(self, client, make):
        shop = make.shop(shop_rating_sum=9, shop_review_count=2)
        user = client.get(f"/api/user/{shop.id}", headers=make.headers()).json()["user"]
        assert user["type"] == "shop"
        assert user["shop"] == {
            "coverImageUrl": None, "coverImageId": None, "location": "", "contactEmail": "", "contactPhone": "",
            "website": "", "socialLinks": {"facebook": "", "instagram": "", "twitter": "", "tiktok": ""},
            "categories": [], "businessType": "", "yearsInBusiness": "", "expectedProducts": "", "rating": 9,
            "reviewCount": 2, "averageRating": 4.5}

    @pytest.mark.parametrize("moderate", ["ban", "suspend"])
    def test_a_banned_or_suspended_profile_is_restricted(self, client, make, moderate):
        other = make.user()
        getattr(make, moderate)(other)
        user = client.get(f"/api/user/{other.id}", headers=make.headers()).json()["user"]
        assert set(user) == {"_id", "username", "fullName", "avatar", "type", "status", "bannedAt", "banReason",
                             "suspendedUntil", "suspensionReason"}

    def test_administrators_see_the_whole_profile(self, client, make):
        other = make.user()
        make.ban(other)
        user = client.get(f"/api/user/{other.id}", headers=make.headers(type="admin")).json()["user"]
        assert user["status"] == "banned" and "followers" in user

    def test_an_unknown_user_is_404_user_001(self, client, make):
        response = client.get(f"/api/user/{'a' * 24}", headers=make.headers())
        assert response.status_code == 404
        assert response.json() == error("User not found", "USER_001")


def follow_at(follower, target, when):
    with database.unit_of_work() as uow:
        uow.session.add(Follow(follower_id=follower.id, followed_id=target.id, created_at=when))
        uow.session.get(type(target), target.id).followers_count += 1
        uow.commit()


class TestTrendingUsers:
    def test_recent_follows_outweigh_old_ones(self, client, make):
        me = make.user()
        fresh, old, quiet = make.user(), make.user(), make.user()
        now = utcnow()
        fans = [make.user() for _ in range(3)]
        follow_at(fans[0], fresh, now - dt.timedelta(hours=1))
        follow_at(fans[1], old, now - dt.timedelta(days=20))
        follow_at(fans[2], old, now - dt.timedelta(days=25))
        body = client.get("/api/user/trending?limit=3", headers=make.headers(me)).json()
        ranked = [u["_id"] for u in body["trendingUsers"]]
        assert ranked[:2] == [fresh.id, old.id]
        assert quiet.id not in ranked[:2] and me.id not in ranked
        assert body["users"] == body["trendingUsers"]

    def test_entries_carry_counts_and_a_placeholder_avatar(self, client, make):
        me, star = make.user(), make.user(full_name="Star")
        make.follow(make.user(), star)
        entry = client.get("/api/user/trending", headers=make.headers(me)).json()["trendingUsers"][0]
        assert entry == {"_id": star.id, "username": star.username, "fullName": "Star",
                         "avatar": "https://upload.wikimedia.org/wikipedia/commons/8/89/Portrait_Placeholder.png",
                         "followers": 1, "following": 0, "postsCount": 0, "isVerified": False, "status": "active",
                         "type": "user"}

    def test_only_active_regular_users(self, client, make):
        me = make.user()
        shop, banned, admin = make.shop(), make.user(), make.admin()
        make.ban(banned)
        ids = [u["_id"] for u in client.get("/api/user/trending?limit=50", headers=make.headers(me)).json()["users"]]
        assert not {shop.id, banned.id, admin.id} & set(ids)

    def test_the_order_is_stable(self, client, make):
        me = make.user()
        for _ in range(4):
            make.user()
        first = client.get("/api/user/trending", headers=make.headers(me)).json()
        assert client.get("/api/user/trending", headers=make.headers(me)).json() == first


class TestFollowUser:
    def test_follows_then_unfollows(self, client, make, published):
        me, target = make.user(), make.user()
        response = client.put(f"/api/user/follow/{target.id}", headers=make.headers(me))
        assert response.status_code == 200
        assert response.json() == {"status": True, "message": "User followed successfully", "following": [target.id],
                                   "isFollowing": True}
        assert (make.reload(me).following_count, make.reload(target).followers_count) == (1, 1)
        response = client.put(f"/api/user/follow/{target.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "User unfollowed successfully", "following": [],
                                   "isFollowing": False}
        assert (make.reload(me).following_count, make.reload(target).followers_count) == (0, 0)

    def test_a_follow_notifies_and_publishes_and_unfollowing_removes_it(self, client, make, published):
        me, target = make.user(), make.user()
        client.put(f"/api/user/follow/{target.id}", headers=make.headers(me))
        (note,) = make.notifications(target)
        assert (note.type, note.title, note.message) == ("follow", "New Follower", f"{me.username} started following you")
        assert [(ids, event, payload["_id"]) for ids, event, payload in published()] == [
            ([target.id], "notification", note.id)]
        client.put(f"/api/user/follow/{target.id}", headers=make.headers(me))
        assert make.notifications(target) == []

    def test_no_notification_when_the_switch_is_off(self, client, make, published):
        me, target = make.user(), make.user()
        client.put("/api/user/settings", json={"notifications": {"follow": False}}, headers=make.headers(target))
        client.put(f"/api/user/follow/{target.id}", headers=make.headers(me))
        assert make.notifications(target) == [] and published() == []

    def test_following_oneself_is_400(self, client, make):
        me = make.user()
        response = client.put(f"/api/user/follow/{me.id}", headers=make.headers(me))
        assert response.status_code == 400
        assert response.json() == error("You can't follow yourself", field="targetUserId")

    def test_an_unknown_user_is_404(self, client, make):
        response = client.put(f"/api/user/follow/{'b' * 24}", headers=make.headers())
        assert response.status_code == 404
        assert response.json() == error("User not found", "USER_001")

    def test_a_banned_user_cannot_be_followed_except_by_administrators(self, client, make):
        target = make.user()
        make.ban(target)
        assert client.put(f"/api/user/follow/{target.id}", headers=make.headers()).status_code == 404
        assert client.put(f"/api/user/follow/{target.id}", headers=make.headers(type="admin")).status_code == 200


class TestUploadImage:
    @pytest.mark.parametrize("data, ext", [(png(), "png"), (jpeg(), "jpg")])
    def test_stores_the_image_and_serves_it(self, client, make, data, ext):
        response = client.post("/api/user/upload-image", files={"image": ("me.bin", data, "image/png")},
                               headers=make.headers())
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["message"]) == (True, "Image uploaded successfully")
        assert body["data"]["id"].startswith("images/") and body["data"]["id"].endswith("." + ext)
        assert body["data"]["url"] == f"http://testserver/api/uploads/{body['data']['id']}"
        served = client.get(f"/api/uploads/{body['data']['id']}")
        assert served.status_code == 200 and served.headers["X-Content-Type-Options"] == "nosniff"

    def test_a_file_that_is_not_an_image_is_400(self, client, make):
        response = client.post("/api/user/upload-image", files={"image": ("x.png", b"%PDF-1.4 nope", "image/png")},
                               headers=make.headers())
        assert response.status_code == 400
        assert response.json() == error("Only JPG, PNG, GIF and WebP images are allowed", field="image")

    def test_no_file_is_400(self, client, make):
        response = client.post("/api/user/upload-image", files={"image": ("x.png", b"", "image/png")},
                               headers=make.headers())
        assert response.status_code == 400

    def test_an_unknown_image_is_404(self, client):
        response = client.get(f"/api/uploads/images/1-{'0' * 32}.png")
        assert response.status_code == 404
        assert response.json() == error("Image not found")
