"""Demo data for a fresh Diora database, and administrators. Other areas extend :func:`seed` with their
own demo rows (posts, products, conversations) after the accounts below exist."""
from sqlalchemy import select

from models.diora import conversations, messages, users
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


def create_admin(session, username, email, password):
    """A ``type: admin`` account (its full name is the username). 409 when the username or email is taken."""
    return users.create_account(session, email=email, username=username, full_name=username,
                                password_hash=hash_password(password), type="admin", is_verified=True)
