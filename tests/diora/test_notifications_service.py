"""``models.diora.notifications``: the service every area calls to notify (aggregation, settings)."""
from models.diora import database, notifications
from models.diora.seed import create_admin, seed

POST = "c" * 24


def like(liker, owner, post=POST):
    with database.unit_of_work() as uow:
        note = notifications.notify_like(uow.session, post_id=post, owner_id=owner.id, liker_id=liker.id,
                                         image_url="https://cdn.example/p.png")
        uow.commit()
    return note


def unlike(liker, owner, post=POST):
    with database.unit_of_work() as uow:
        note = notifications.withdraw_like(uow.session, post_id=post, owner_id=owner.id, liker_id=liker.id)
        uow.commit()
    return note


class TestLikes:
    def test_one_notification_per_post_naming_the_newest_two(self, make):
        owner = make.user()
        a, b, c, d = (make.user(username=name) for name in ("ann", "ben", "cat", "dan"))
        messages = []
        for liker in (a, b, c, d):
            like(liker, owner)
            (note,) = make.notifications(owner)
            messages.append(note.message)
        assert messages == ["ann liked your post", "ben and ann liked your post",
                            "cat, ben and 1 other liked your post", "dan, cat and 2 others liked your post"]
        assert (note.type, note.title, note.post_id, note.action_url) == ("like", "New Like", POST, f"/post/{POST}")
        assert (note.from_user_ids, note.from_user_id, note.read) == ([d.id, c.id, b.id, a.id], d.id, False)

    def test_a_new_like_marks_it_unread_again(self, make):
        owner, a, b = make.user(), make.user(), make.user()
        note = like(a, owner)
        with database.unit_of_work() as uow:
            uow.session.get(type(note), note.id).read = True
            uow.commit()
        like(b, owner)
        assert make.notifications(owner)[0].read is False

    def test_taking_a_like_back_rewrites_and_the_last_removes(self, make):
        owner = make.user()
        a, b = make.user(username="amy"), make.user(username="bo")
        like(a, owner)
        like(b, owner)
        rewritten = unlike(b, owner)
        assert rewritten.message == "amy liked your post" and rewritten.from_user_ids == [a.id]
        assert unlike(a, owner) is None
        assert make.notifications(owner) == []

    def test_no_notification_for_ones_own_post_or_with_the_switch_off(self, make):
        owner, fan = make.user(), make.user()
        assert like(owner, owner) is None
        make.set(owner, notification_settings={"likes": False})
        assert like(fan, owner) is None
        assert make.notifications(owner) == []

    def test_each_post_has_its_own(self, make):
        owner, fan = make.user(), make.user()
        like(fan, owner, post="d" * 24)
        like(fan, owner, post="e" * 24)
        assert len(make.notifications(owner)) == 2


class TestCommentsAndReplies:
    def test_comments_aggregate_per_post(self, make):
        owner, a, b = make.user(), make.user(username="al"), make.user(username="bea")
        with database.unit_of_work() as uow:
            for who in (a, b, a):
                notifications.notify_comment(uow.session, post_id=POST, owner_id=owner.id, commenter_id=who.id)
            uow.commit()
        (note,) = make.notifications(owner)
        assert (note.type, note.title, note.message) == ("comment", "New Comment", "al and bea commented on your post")

    def test_a_reply_notifies_the_parent_author_once_per_reply(self, make):
        author, replier = make.user(), make.user(username="rex")
        with database.unit_of_work() as uow:
            for reply in ("1" * 24, "2" * 24):
                notifications.notify_reply(uow.session, post_id=POST, parent_author_id=author.id,
                                           replier_id=replier.id, comment_id=reply)
            uow.commit()
        notes = make.notifications(author)
        assert [(n.title, n.message) for n in notes] == [("New Reply", "rex replied to your comment")] * 2

    def test_the_comments_switch_covers_replies(self, make):
        author, replier = make.user(notification_settings={"comments": False}), make.user()
        with database.unit_of_work() as uow:
            assert notifications.notify_reply(uow.session, post_id=POST, parent_author_id=author.id,
                                              replier_id=replier.id, comment_id="1" * 24) is None
            uow.commit()


class TestNotify:
    def test_force_ignores_the_switch(self, make):
        user = make.user(notification_settings={"warning": False})
        with database.unit_of_work() as uow:
            skipped = notifications.notify(uow.session, recipient_id=user.id, type="warning", title="T", message="M")
            forced = notifications.notify(uow.session, recipient_id=user.id, type="warning", title="T", message="M",
                                          force=True)
            uow.commit()
        assert skipped is None and forced.read is False
        assert len(make.notifications(user)) == 1

    def test_an_unknown_recipient_gets_nothing(self, make):
        with database.unit_of_work() as uow:
            assert notifications.notify(uow.session, recipient_id="f" * 24, type="system", title="T", message="M",
                                        force=True) is None


class TestSeedAndAdministrators:
    def test_seed_makes_the_demo_accounts_once(self, make):
        with database.unit_of_work() as uow:
            first = seed(uow.session)
            again = seed(uow.session)
            uow.commit()
        assert [a[:2] for a in first] == [("administrator", "admin"), ("user", "alice"), ("user", "bob"),
                                          ("user", "carol"), ("shop owner", "urbanthreads")]
        assert again == first

    def test_create_admin_makes_an_admin_account(self, client):
        with database.unit_of_work() as uow:
            admin = create_admin(uow.session, username="Ops", email="ops@example.com", password="s3cret-pass")
            uow.commit()
        assert (admin.type, admin.username) == ("admin", "ops")
        login = client.post("/api/auth/login", json={"username": "ops", "password": "s3cret-pass"})
        assert login.json()["user"]["type"] == "admin"
