"""Who may do what, decided in one place. Citizens: everyone. Facilitators: named by an admin
for one or more states, publish for those states only. Admins: the ids in COCREA_ADMIN_IDS."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import Store


@dataclass(frozen=True)
class Permissions:
    admin_ids: frozenset[int]
    store: Store

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def publishable_states(self, user_id: int | None) -> list[str]:
        """The states a user may publish for; admins may publish for any (empty list means none)."""
        if user_id is None:
            return []
        return self.store.facilitator_states(user_id)

    def can_publish(self, user_id: int | None, state: str) -> bool:
        return self.is_admin(user_id) or state in self.publishable_states(user_id)

    def is_facilitator(self, user_id: int | None) -> bool:
        return bool(self.publishable_states(user_id))
