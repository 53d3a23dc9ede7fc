"""Who may do what, decided in one place. Citizens: everyone. Facilitators: named by an admin
for one or more states, publish for those states only. Curators: admins, plus the people an
admin names; they answer the questions sent to the team. Admins: the ids in COCREA_ADMIN_IDS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.commands import ADMIN, CITIZEN, CURATOR, FACILITATOR
from bot.store import Store


@dataclass(frozen=True)
class Permissions:
    admin_ids: frozenset[int]
    store: Store

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def roles(self, user_id: int | None) -> set[str]:
        """The roles whose commands /ayuda shows this person (everyone is a citizen)."""
        found = {CITIZEN}
        found |= {ADMIN} if self.is_admin(user_id) else set()
        found |= {FACILITATOR} if self.is_facilitator(user_id) else set()
        found |= {CURATOR} if self.is_curator(user_id) else set()
        return found

    def publishable_states(self, user_id: int | None) -> list[str]:
        """The states a user may publish for; admins may publish for any (empty list means none)."""
        if user_id is None:
            return []
        return self.store.facilitator_states(user_id)

    def can_publish(self, user_id: int | None, state: str) -> bool:
        return self.is_admin(user_id) or state in self.publishable_states(user_id)

    def is_facilitator(self, user_id: int | None) -> bool:
        return bool(self.publishable_states(user_id))

    def grant(self, user_id: int, state: str, granted_by: int | None) -> bool:
        """Name a facilitator of a state; True when the role is new."""
        return self.store.grant_facilitator(user_id, state, granted_by)

    def revoke(self, user_id: int, state: str | None = None) -> int:
        """Remove a facilitator from one state, or from all (None): how many roles ended."""
        return self.store.revoke_facilitator(user_id, state)

    def facilitators(self) -> list[dict[str, Any]]:
        return self.store.facilitators()

    def facilitator_ids(self) -> set[int]:
        return {row["user_id"] for row in self.store.facilitators()}

    # -- curators ---------------------------------------------------------------------------

    def is_curator(self, user_id: int | None) -> bool:
        return self.is_admin(user_id) or (user_id is not None and user_id in self.store.curator_ids())

    def grant_curator(self, user_id: int, granted_by: int | None) -> bool:
        return self.store.grant_curator(user_id, granted_by)

    def revoke_curator(self, user_id: int) -> bool:
        return self.store.revoke_curator(user_id)

    def curator_ids(self) -> set[int]:
        return self.store.curator_ids()

    def statistics_states(self, user_id: int | None) -> list[str] | None:
        """Whose statistics a user may see: None for all (admins and curators), a facilitator's
        own states, or [] for nobody else."""
        if self.is_curator(user_id):
            return None
        return self.publishable_states(user_id)
