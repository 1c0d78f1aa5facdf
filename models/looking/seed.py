"""Demo data for a fresh Looking database, and the all-permissions administrator."""
from sqlalchemy import select

from models.looking import profiles, users
from models.looking.entities import Profile, User

DEMO_USERS = [
    # username, password, first, last, email, permissions
    ("admin", "looking-admin-1", "Ada", "Admin", "admin@looking.example", users.ALL_PERMISSIONS),
    ("editor", "looking-editor-1", "Eddie", "Editor", "editor@looking.example", ["view", "add", "edit", "update"]),
    ("reviewer", "looking-reviewer-1", "Rae", "Reviewer", "reviewer@looking.example", ["view", "manage"]),
]

DEMO_PROFILES = [
    ("John", 28, "San Francisco, CA", ["Top", "Versatile"], ["Dates", "Friends"], ["Geek", "Jock"], ["White", "Latino"],
     "I moved to a new city and wanted to meet people outside work."),
    ("Marcus", 34, "New York, NY", ["Bottom"], ["Relationship"], ["Bear"], ["Black"],
     "Ten years on the apps taught me to say what I want in the first message."),
    ("Kenji", 26, "Seattle, WA", ["Versatile"], ["Friends", "Dates"], ["Geek"], ["Asian"],
     "I started out just looking for friends who like board games."),
    ("Luis", 31, "Los Angeles, CA", ["Top"], ["Dates"], ["Jock", "Otter"], ["Latino"],
     "Gym first, coffee second, and then we see."),
    ("Sam", 45, "Chicago, IL", ["Versatile"], ["Relationship", "Friends"], ["Bear"], ["White"],
     "Divorced, dad of two, new to all of this."),
    ("Theo", 23, "Austin, TX", ["Bottom", "Versatile"], ["Friends"], ["Otter", "Geek"], ["White", "Asian"],
     "College town, small circle, big hopes."),
]

DEMO_SUBMISSIONS = [
    ("Anonymous", 30, "Portland, OR", "I've been using apps for 3 years and finally met someone offline."),
    ("River", 27, "Denver, CO", "A story about a first date that went wrong in the best way."),
]


class _KeepPaths:
    """Seed images are plain paths; nothing to store."""

    def keep(self, value, **_):
        return value


def seed(session, settings=None):
    """Idempotent: adds nothing when users already exist. Returns the demo accounts the database has."""
    if session.scalar(select(User.id).limit(1)):
        present = set(session.scalars(select(User.username).where(User.username.in_([u[0] for u in DEMO_USERS]))))
        return [(can_label(can), username, password)
                for username, password, _, _, _, can in DEMO_USERS if username in present]
    for username, password, first, last, email, can in DEMO_USERS:
        users.create_user(session, username=username, password=password, name={"first": first, "last": last},
                          email=email, can=can)
    for order, (name, age, location, pos, lkng, tribes, ethnos, story) in enumerate(DEMO_PROFILES, start=1):
        slug = name.lower()
        profiles.create(session, images=_KeepPaths(), data={
            "order": order, "submitted": True, "approved": True,
            "details": {"name": name, "age": age, "location": location, "about": story,
                        "pic": {"thumb": f"profile/{slug}_thumbnail.png", "detail": f"profile/{slug}_detail.png"},
                        "position": pos, "looking": lkng, "tribes": tribes, "ethnos": ethnos},
            "messages": [
                {"text": "What brought you to dating apps?", "isUser": False},
                {"text": story, "isUser": True},
            ],
        })
    for name, age, location, story in DEMO_SUBMISSIONS:
        profiles.submit(session, images=_KeepPaths(), data={
            "details": {"name": name, "age": age, "location": location, "about": story},
            "messages": [{"text": "Tell us your story", "isUser": False}, {"text": story, "isUser": True}],
        })
    session.flush()
    return [(can_label(can), username, password) for username, password, _, _, _, can in DEMO_USERS]


def can_label(can):
    return "all permissions" if "super" in can else ", ".join(can)


def create_admin(session, *, username, email, password):
    """A user holding every permission (``super`` included)."""
    return users.create_user(session, username=username, password=password, email=email,
                             name={"first": username, "last": ""}, can=users.ALL_PERMISSIONS)


__all__ = ["seed", "create_admin", "Profile"]
