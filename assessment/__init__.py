"""Service-maturity assessment workbook: questionnaire, response store, scoring and reports.

Every public name is declared once, in ``__init__.pyi``, and loaded from its module on first
use (PEP 562 through ``lazy_loader``), so each entry point pays only for what it uses.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
