"""The resources a client offers: CRM objects, and the connector's three actions.

``hs.contacts`` / ``hs.deals`` are :class:`ObjectResource`, ``hs.companies`` a
:class:`CompanyResource`; ``hs.forms``, ``hs.lists`` and ``hs.workflows`` are
:class:`Forms`, :class:`Lists` and :class:`Workflows`.
"""

from .companies import CompanyResource
from .forms import Forms
from .lists import Lists
from .objects import ObjectResource
from .search import OPERATORS
from .workflows import Workflows

__all__ = ["OPERATORS", "CompanyResource", "Forms", "Lists", "ObjectResource", "Workflows"]
