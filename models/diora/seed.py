"""Demo data for a fresh Diora database, and administrators. Other areas extend :func:`seed` with their
own demo rows (products) after the accounts below exist; the feed's posts (with their
pictures in the storage), likes, comments and a reply are here."""
import io

from PIL import Image
from sqlalchemy import select

from integrations.storage import LocalStorage
from models.diora import comment as comments, conversations, messages, post as posts, users
from models.diora.catalog_seed import seed_catalog
from models.diora.tables.users import Follow, User
from models.passwords import hash_password

PASSWORD = "Password123!"
ADMIN = ("admin", "admin@diora.example", "AdminPass123!", "Diora Admin")
# username, email, full name, type, bio
ACCOUNTS = [
    ("alice", "alice@example.com", "Alice Martin", "user", "Vintage denim and loud prints."),
    ("bob", "bob@example.com", "Bob Chen", "user", "Streetwear, mostly black."),
    ("carol", "carol@example.com", "Carol Diaz", "user", "Minimalist capsule wardrobe."),
    ("urbanthreads", "shop@urbanthreads.example", "Urban Threads", "shop", "Premium streetwear from Brooklyn."),
]
SHOP_PROFILE = {"location": "Brooklyn, NY", "contactEmail": "shop@urbanthreads.example", "contactPhone": "+1 555 0100",
                "website": "https://urbanthreads.example", "categories": ["Men", "Women", "Tops"],
                "businessType": "Retail", "yearsInBusiness": "5", "expectedProducts": "50"}
LABELS = {"user": "user", "shop": "shop owner"}
FOLLOWS = [("alice", "bob"), ("bob", "alice"), ("carol", "alice"), ("alice", "urbanthreads"), ("bob", "urbanthreads")]
# A private conversation (sender, text) between the first two, and a group of the three users.
CHAT = [("alice", "Loved your fit today, where is the jacket from?"), ("bob", "Thrifted! Urban Threads has similar."),
        ("alice", "Checking them out now.")]
GROUP = ("Weekend fits", "alice", ("bob", "carol"), "Who is in for the flea market on Saturday?")


def seed(session, settings=None):
    """Idempotent: adds nothing when any account exists. Returns the demo accounts the database has
    as ``(role, username, password)``."""
    demo = [("administrator", ADMIN[0], ADMIN[2])] + [(LABELS[kind], name, PASSWORD) for name, _, _, kind, _ in ACCOUNTS]
    if session.scalar(select(User.id).limit(1)):
        present = set(session.scalars(select(User.username).where(User.username.in_([d[1] for d in demo]))))
        return [account for account in demo if account[1] in present]
    username, email, password, name = ADMIN
    users.create_account(session, email=email, username=username, full_name=name, password_hash=hash_password(password),
                         type="admin", is_verified=True)
    made = {}
    shared_hash = hash_password(PASSWORD)
    for username, email, name, kind, bio in ACCOUNTS:
        user = users.create_account(session, email=email, username=username, full_name=name, password_hash=shared_hash,
                                    type=kind, is_verified=kind == "shop")
        user.bio = bio
        if kind == "shop":
            users.update_shop_details(session, user_id=user.id, shop=SHOP_PROFILE)
            onboarding = dict(user.onboarding, isComplete=True, step=4)
            user.onboarding = onboarding
        made[username] = user
    for follower, followed in FOLLOWS:
        session.add(Follow(follower_id=made[follower].id, followed_id=made[followed].id))
        made[follower].following_count += 1
        made[followed].followers_count += 1
    session.flush()
    seed_catalog(session, made, settings)
    _seed_conversations(session, made)
    _seed_posts(session, settings, made)
    return demo


def _seed_conversations(session, made):
    first, second = CHAT[0][0], next(name for name, _ in CHAT if name != CHAT[0][0])
    chat, _ = conversations.open_private(session, user_id=made[first].id, other_id=made[second].id, field="userId")
    for sender, text in CHAT:
        messages.send(session, user_id=made[sender].id, conversation_id=chat.id, text=text)
    name, owner, members, text = GROUP
    group, _ = conversations.create_group(session, user_id=made[owner].id, name=name,
                                          participant_ids=[made[m].id for m in members])
    messages.send(session, user_id=made[owner].id, conversation_id=group.id, text=text)


# author, caption, picture colour, likers, comments (author, text)
POSTS = [
    ("alice", "Thrifted denim jacket, 90s cut", (70, 110, 170), ["bob", "carol"],
     [("bob", "That jacket is a find!"), ("carol", "Love the fit")]),
    ("bob", "All black everything", (25, 25, 25), ["alice"], [("alice", "Clean.")]),
    ("carol", "Capsule wardrobe: 10 pieces, 30 outfits", (220, 210, 190), ["alice", "bob"], []),
    ("urbanthreads", "New drop: heavyweight hoodies", (150, 40, 40), ["alice"], [("bob", "Restock when?")]),
]


def _seed_posts(session, settings, made):
    """Demo posts with real pictures in the storage, their likes and comments (with a reply)."""
    storage = LocalStorage(settings.storage_dir) if settings is not None and settings.storage_dir else None
    base = ((settings.public_url if settings is not None else "") or "http://127.0.0.1:5010").rstrip("/")
    for index, (author, caption, colour, likers, notes) in enumerate(POSTS):
        key = f"images/seed-post-{index + 1}.png"
        if storage is not None:
            storage.save(key, _picture(colour))
        shown = posts.create_post(session, user_id=made[author].id, caption=caption,
                                  image=(f"{base}/api/uploads/{key}", key))
        post = shown.rows[0][0]
        for liker in likers:
            posts.toggle_like(session, post_id=post.id, user_id=made[liker].id, viewer_is_admin=True)
        first = None
        for commenter, text in notes:
            comment, _author, _notes = comments.create_comment(session, post_id=post.id, user_id=made[commenter].id,
                                                               text=text, viewer_is_admin=True)
            first = first or comment
        if first is not None:
            comments.reply(session, comment_id=first.id, user_id=made[author].id, text="Thank you!",
                           viewer_is_admin=True)


def _picture(colour):
    out = io.BytesIO()
    Image.new("RGB", (600, 750), colour).save(out, "PNG")
    return out.getvalue()


def create_admin(session, username, email, password):
    """A ``type: admin`` account (its full name is the username). 409 when the username or email is taken."""
    return users.create_account(session, email=email, username=username, full_name=username,
                                password_hash=hash_password(password), type="admin", is_verified=True)
