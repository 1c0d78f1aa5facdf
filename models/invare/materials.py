"""Material categories, materials and users' favorite materials (the catalog listings are made of).

Categories and materials carry their translations in ``i18n`` (``models.invare.i18n``): a category
translates ``name``, a material ``name`` and ``unitOfMeasure``. Writes are for administrators; reads are
public. A favorite links a user to a material once (``uq_favorite_materials_user_material``); favoriting
again returns the existing link.
"""
import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps, UuidPk
from models.invare import InvareBase
from models.invare.columns import Json

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
