"""Material categories, materials and users' favorite materials (the catalog listings are made of).

Categories and materials carry their translations in ``i18n`` (``models.invare.i18n``): a category
translates ``name``, a material ``name`` and ``unitOfMeasure``. Writes are for administrators; reads are
public. A favorite links a user to a material once (``uq_favorite_materials_user_material``); favoriting
again returns the existing link.
"""
import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import Timestamps, UuidPk
from models.errors import Conflict, NotFound
from models.invare import InvareBase
from models.invare.columns import Json
from models.invare.i18n import clean_translations, merge_translations
from models.invare.ids import as_uuid
from models.invare.paging import page_of

CATEGORY_FIELDS = ("name",)
MATERIAL_FIELDS = ("name", "unitOfMeasure")


class MaterialCategory(UuidPk, Timestamps, InvareBase):
    __tablename__ = "material_categories"

    name: Mapped[str] = mapped_column(String(200))
    i18n: Mapped[dict] = mapped_column(Json, default=dict)

    materials: Mapped[list["Material"]] = relationship(back_populates="category", lazy="raise",
                                                      order_by="Material.name")


class Material(UuidPk, Timestamps, InvareBase):
    __tablename__ = "materials"

    name: Mapped[str] = mapped_column(String(200))
    unit_of_measure: Mapped[str | None] = mapped_column(String(50))
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("material_categories.id", ondelete="SET NULL"), index=True)
    i18n: Mapped[dict] = mapped_column(Json, default=dict)

    category: Mapped[MaterialCategory | None] = relationship(back_populates="materials", lazy="raise")


class FavoriteMaterial(UuidPk, Timestamps, InvareBase):
    __tablename__ = "favorite_materials"
    __table_args__ = (UniqueConstraint("user_id", "material_id", name="uq_favorite_materials_user_material"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    material_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("materials.id", ondelete="CASCADE"),
                                                   index=True)

    material: Mapped[Material] = relationship(lazy="raise")
    user = relationship("User", lazy="raise")


CATEGORY_NOT_FOUND = "Material category not found"
MATERIAL_NOT_FOUND = "Material not found"
FAVORITE_NOT_FOUND = "Favorite not found"
USER_NOT_FOUND = "User not found"
MATERIAL_IN_USE = "Material is used by listings"


# -- categories -------------------------------------------------------------------------------------

def _categories():
    return select(MaterialCategory).options(selectinload(MaterialCategory.materials))


def create_category(session, data):
    category = MaterialCategory(name=data["name"].strip(), i18n=clean_translations(data.get("i18n"), CATEGORY_FIELDS))
    session.add(category)
    session.flush()
    return get_category(session, category.id)


def list_categories(session):
    return session.scalars(_categories().order_by(MaterialCategory.name, MaterialCategory.id)).all()


def get_category(session, category_id):
    category = session.scalars(_categories().where(MaterialCategory.id == as_uuid(category_id))).first()
    if category is None:
        raise NotFound(CATEGORY_NOT_FOUND)
    return category


def update_category(session, category_id, changes):
    category = get_category(session, category_id)
    if "name" in changes:
        category.name = changes["name"].strip()
    if "i18n" in changes:
        category.i18n = merge_translations(category.i18n, changes["i18n"], CATEGORY_FIELDS)
    session.flush()
    return category


def delete_category(session, category_id):
    """Deletes the category; its materials stay, without a category."""
    session.delete(get_category(session, category_id))
    session.flush()


# -- materials --------------------------------------------------------------------------------------

def _materials():
    return select(Material).options(selectinload(Material.category))


def require_category(session, category_id, field="categoryId"):
    if category_id is None:
        return None
    category_id = as_uuid(category_id, field=field)
    if session.get(MaterialCategory, category_id) is None:
        raise NotFound(CATEGORY_NOT_FOUND)
    return category_id


def create_material(session, data):
    material = Material(name=data["name"].strip(), unit_of_measure=data.get("unitOfMeasure"),
                        category_id=require_category(session, data.get("categoryId")),
                        i18n=clean_translations(data.get("i18n"), MATERIAL_FIELDS))
    session.add(material)
    session.flush()
    return get_material(session, material.id)


def list_materials(session, *, page, limit, category_id=None):
    stmt = _materials().order_by(Material.name, Material.id)
    if category_id is not None:
        stmt = stmt.where(Material.category_id == as_uuid(category_id, field="categoryId"))
    return page_of(session, stmt, page=page, limit=limit)


def get_material(session, material_id):
    material = session.scalars(_materials().where(Material.id == as_uuid(material_id))).first()
    if material is None:
        raise NotFound(MATERIAL_NOT_FOUND)
    return material


def update_material(session, material_id, changes):
    material = get_material(session, material_id)
    if "name" in changes:
        material.name = changes["name"].strip()
    if "unitOfMeasure" in changes:
        material.unit_of_measure = changes["unitOfMeasure"]
    if "categoryId" in changes:
        material.category_id = require_category(session, changes["categoryId"])
    if "i18n" in changes:
        material.i18n = merge_translations(material.i18n, changes["i18n"], MATERIAL_FIELDS)
    session.flush()
    session.refresh(material, ["category"])
    return material


def delete_material(session, material_id):
    """Deletes a material no listing is made of (409 otherwise); favorites of it go with it."""
    from models.invare.listings import Listing

    material = get_material(session, material_id)
    if session.scalar(select(exists().where(Listing.material_id == material.id))):
        raise Conflict(MATERIAL_IN_USE)
    session.delete(material)
    session.flush()


# -- favorites --------------------------------------------------------------------------------------

def favorite(session, *, user_id, material_id):
    """The user's favorite link to the material, made when missing (favoriting twice is harmless)."""
    material = get_material(session, material_id)
    user_id = as_uuid(user_id, field="userId")
    _require_user(session, user_id)
    stmt = select(FavoriteMaterial).where(FavoriteMaterial.user_id == user_id,
                                          FavoriteMaterial.material_id == material.id)
    link = session.scalars(stmt).first()
    if link is None:
        link = FavoriteMaterial(user_id=user_id, material_id=material.id)
        try:
            with session.begin_nested():
                session.add(link)
        except IntegrityError:  # the same link made by a concurrent request: use it
            link = session.scalars(stmt).one()
    session.refresh(link, ["user", "material"])
    return link


def favorites_of(session, user_id):
    stmt = (_materials().join(FavoriteMaterial, FavoriteMaterial.material_id == Material.id)
            .where(FavoriteMaterial.user_id == as_uuid(user_id)).order_by(FavoriteMaterial.created_at, Material.id))
    return session.scalars(stmt).all()


def add_favorites(session, *, user_id, material_ids):
    """Administrators: adds the materials to the user's favorites; returns all of the user's favorites."""
    user_id = as_uuid(user_id, field="userId")
    _require_user(session, user_id)
    for material_id in dict.fromkeys(material_ids):
        favorite(session, user_id=user_id, material_id=material_id)
    return favorites_of(session, user_id)


def unfavorite(session, *, caller, path_id, material_id=None):
    """The web client's two calls: a user sends ``{materialId}`` (their own link to that material, the
    path id being the material's); an administrator sends a favorite's id in the path and no body. Without
    a body, a path id that is no favorite's id is taken as the caller's own material.

    Unfavoriting a material the caller does not (or no longer) favor is done already: only an id that
    is neither a favorite nor a material is 404 ``Favorite not found``."""
    if material_id is None:
        link = session.get(FavoriteMaterial, as_uuid(path_id))
        if link is not None and (caller.is_admin or link.user_id == caller.id):
            session.execute(delete(FavoriteMaterial).where(FavoriteMaterial.id == link.id))
            return
        material_id = path_id
    material_id = as_uuid(material_id, field="materialId")
    if session.get(Material, material_id) is None:
        raise NotFound(FAVORITE_NOT_FOUND)
    session.execute(delete(FavoriteMaterial).where(FavoriteMaterial.user_id == caller.id,
                                                   FavoriteMaterial.material_id == material_id))


def _require_user(session, user_id):
    from models.invare.users import User

    user = session.get(User, user_id)
    if user is None or user.account_status == "deleted":
        raise NotFound(USER_NOT_FOUND)
    return user


def favorers_of(session, material_id):
    """The ids of the users who favorited the material (for new-listing notifications)."""
    return session.scalars(select(FavoriteMaterial.user_id).where(FavoriteMaterial.material_id == material_id)).all()
