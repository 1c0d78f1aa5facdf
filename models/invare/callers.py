"""Who is asking: the signed-in user as the bearer check saw them, for ownership and role decisions.

Handlers turn Connexion's ``token_info`` into a :class:`Caller` (``Caller.of(token_info)``) and pass it
to the model layer, which decides with it (``caller.require_self_or_admin(user_id)``). Role-only rules
(``AdminOnly``, ``AdminOrCarrier``) are declared in the spec instead (``x-permissions``) and checked
before the handler runs.
"""
import uuid
from dataclasses import dataclass

from models.errors import Forbidden

FORBIDDEN = "Forbidden resource"  # NestJS's guard refusal, kept for every role check


@dataclass(frozen=True)
class Caller:
    id: uuid.UUID
    email: str
    is_admin: bool = False
    is_carrier: bool = False

    @classmethod
    def of(cls, token_info):
        """The caller from the claims the bearer check returned (``sub``, ``email``, ``isAdmin``, ``isCarrier``)."""
        return cls(id=uuid.UUID(token_info["sub"]), email=token_info.get("email") or "",
                   is_admin=bool(token_info.get("isAdmin")), is_carrier=bool(token_info.get("isCarrier")))

    @classmethod
    def optional(cls, token_info):
        """The caller of an operation anyone may call (``security: [{bearerAuth: []}, {}]``): None when
        signed out (Connexion then hands over no claims)."""
        return cls.of(token_info) if token_info and token_info.get("sub") else None

    def is_self(self, user_id):
        return user_id is not None and uuid.UUID(str(user_id)) == self.id

    def require_admin(self, message=FORBIDDEN):
        if not self.is_admin:
            raise Forbidden(message)

    def require_admin_or_carrier(self, message=FORBIDDEN):
        if not (self.is_admin or self.is_carrier):
            raise Forbidden(message)

    def require_self_or_admin(self, user_id, message=FORBIDDEN):
        """For objects that belong to one user: that user, or an administrator."""
        if not (self.is_admin or self.is_self(user_id)):
            raise Forbidden(message)
