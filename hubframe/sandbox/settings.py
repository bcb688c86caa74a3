"""A portal's settings: the :class:`~.server.Sandbox` methods for what a HubSpot admin sets.

:class:`PortalSettings` is a base of ``Sandbox``. Its settings belong to the
portal (the :class:`~.store.Store` holds them and ``path=`` keeps them with the
records), unlike the bad-day knobs, which belong to the server:

* **write rules** (:mod:`.crm.rules`): properties an admin made required, which
  HubSpot enforces on API writes made through 2026-09 paths;
* **auto-association by email domain** (:mod:`.crm.domains`): a new contact is
  associated with the company of its email's domain (on, as on HubSpot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .crm.rules import parse_rules

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

__all__ = ["PortalSettings", "check_switch"]


def check_switch(name: str, value: Any) -> bool:
    """A True/False setting, or an InputError naming it."""
    if not isinstance(value, bool):
        raise InputError(f"{name}={value!r}: use True or False")
    return value


class PortalSettings:
    """The write rules and the domain auto-association of a sandbox's portal."""

    store: Store

    def _init_settings(self, rules: Any, auto_associate_domains: bool | None) -> None:
        """Apply the constructor's settings; None keeps what the portal has (a loaded
        portal its saved settings, a new one the defaults)."""
        if rules is not None:
            self.set_rules(rules)
        if auto_associate_domains is not None:
            self.set_auto_associate_domains(auto_associate_domains)

    def _carry_settings(self, old: Store, new: Store) -> None:
        """Keep the settings on a re-seeded portal (:meth:`~.server.Sandbox.reset`)."""
        new.set_write_rules(old.write_rules)
        new.set_auto_associate_domains(old.auto_associate_domains)

    @property
    def rules(self) -> list[dict[str, Any]]:
        """The portal's write rules, as dicts (object names resolved: ``0-3`` is ``deals``)."""
        return [r.to_json() for r in self.store.write_rules]

    def set_rules(self, rules: Any) -> None:
        """Replace the portal's write rules (``[]`` or None: none), also while it runs.

        A rule makes a property required on writes made through a ``/2026-09/`` path
        (HubSpot enforces admin rules on API writes from version 2026-09; legacy and
        2026-03 paths are not checked). Such a write breaking one is a 400
        ``VALIDATION_ERROR`` naming the property and the rule.

        Args:
            rules: a list of dicts:

                * ``{"object": "deals", "property": "closedate", "when": {"dealstage":
                  "closedwon"}}``: required on any write (create, update, batch,
                  upsert) whose resulting record has every value of ``when``;
                * ``{"object": "contacts", "property": "email"}``: no ``when``, a
                  required field of the "Create record" form: required on create.

                ``object`` takes a name or type id (``deals``, ``0-3``).

        Raises:
            InputError: naming the bad rule and the fix (unknown object or property, a
                read-only property, a ``when`` that is not a dict of property -> value
                or whose value the property cannot hold).
        """
        self.store.set_write_rules(parse_rules(rules))

    @property
    def auto_associate_domains(self) -> bool:
        """Whether new contacts are associated with the company of their email's domain."""
        return self.store.auto_associate_domains

    def set_auto_associate_domains(self, on: bool) -> None:
        """Turn the email-domain auto-association of new contacts on (HubSpot's default)
        or off, also while the sandbox runs.

        Raises:
            InputError: ``on`` is not True or False.
        """
        self.store.set_auto_associate_domains(check_switch("auto_associate_domains", on))
