"""One budget per project: the co-funding ledger (issue 16). See docs/ledger.md.

Every euro the project counts is a line with a partner from the stakeholder registry, a cost
category, money or a valued in-kind contribution, and planned (later reported) amounts. The
record's totals, the proposal's budget and the project page read from here.

Nothing here imports Flask.
"""

from workshop.ledger.rules import (  # noqa: F401
    CATEGORIES,
    CATEGORY_LABELS,
    IN_KIND,
    MONETARY,
    SOURCE_CLASSES,
    SOURCE_LABELS,
    match_partner,
    source_class,
)
from workshop.ledger.service import (  # noqa: F401
    AsideBudgetLine,
    CategoryTotal,
    LedgerError,
    LedgerSummary,
    Partner,
    PartnerTotal,
    Reconciliation,
    RecordFigure,
    SourceTotal,
    add_line,
    adopt_budget_line,
    adopt_matching_budget_lines,
    delete_line,
    lines,
    partners,
    reconcile,
    summary,
    totals_by_category,
    totals_by_partner,
    totals_by_source,
    update_line,
)
