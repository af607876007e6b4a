"""Service-maturity assessment workbook: questionnaire, response store, scoring and reports."""

import typing as _typing

from .__version__ import __version__
from ._analytics import strengths_and_opportunities, target_gaps, trends
from ._compare import portfolio_percentiles
from ._confidentiality import releasable_comments, suppress_breakdown
from ._config import Workspace, models_dir, samples_dir
from ._demo import build_demo, demo_responses, generate_frames
from ._exceptions import (
    AssessmentError,
    ConfidentialityError,
    ImportValidationError,
    ModelError,
    NotFoundError,
    ParameterError,
    StoreError,
)
from ._invites import Invite, InviteError, generate_invites, list_invites, write_invites
from ._model import MaturityModel, inspect_model, load_model, load_model_text
from ._participation import participation
from ._quality import quality_flags
from ._reliability import CronbachAlpha, ReliabilityReport, cronbach_alpha, reliability, rwg_j
from ._responses import ResponseSet
from ._roadmap import roadmap
from ._scoring import (
    coded_answers,
    enps,
    group_scores,
    iceberg_index,
    maturity_level,
    perception_gaps,
    respondent_scores,
    score_breakdown,
    trifecta,
)
from ._store import Engagement, Organisation, Store
from ._tabular import (
    ImportResult,
    export_responses,
    import_responses,
    neutralise,
    read_responses,
    read_teams,
    write_responses,
)
from ._workbook import (
    compare_portfolio,
    compare_waves,
    engagement_scores,
    invite_teams,
    ratings_against_survey,
    score_summary,
    setup_engagement,
    target_plan,
)

__all__ = [
    "AssessmentError",
    "BatchResult",
    "ConfidentialityError",
    "CronbachAlpha",
    "Engagement",
    "FormServer",
    "ImportResult",
    "ImportValidationError",
    "Invite",
    "InviteError",
    "MaturityModel",
    "ModelError",
    "NotFoundError",
    "Organisation",
    "ParameterError",
    "Questionnaire",
    "ReliabilityReport",
    "RenderError",
    "Report",
    "ReportJob",
    "ReportOutcome",
    "ReportRenderer",
    "ResponseSet",
    "Section",
    "Store",
    "StoreError",
    "WarmKernel",
    "Workspace",
    "__version__",
    "build_demo",
    "coded_answers",
    "compare_portfolio",
    "compare_waves",
    "cronbach_alpha",
    "demo_responses",
    "engagement_scores",
    "enps",
    "export_html",
    "export_responses",
    "form_server",
    "generate_frames",
    "generate_invites",
    "group_scores",
    "html_problems",
    "iceberg_index",
    "import_responses",
    "inspect_model",
    "invite_teams",
    "list_invites",
    "load_model",
    "load_model_text",
    "maturity_level",
    "models_dir",
    "neutralise",
    "open_questionnaire",
    "participation",
    "perception_gaps",
    "plan_batch",
    "portfolio_percentiles",
    "prepare_report",
    "quality_flags",
    "ratings_against_survey",
    "read_responses",
    "read_teams",
    "releasable_comments",
    "reliability",
    "render_report",
    "reportable_units",
    "respondent_scores",
    "roadmap",
    "run_batch",
    "rwg_j",
    "samples_dir",
    "score_breakdown",
    "score_summary",
    "serve_form",
    "setup_engagement",
    "strengths_and_opportunities",
    "suppress_breakdown",
    "target_gaps",
    "target_plan",
    "trends",
    "trifecta",
    "unit_slug",
    "write_invites",
    "write_responses",
]

# Report rendering, the form and the server pull in Altair, papermill, nbconvert and
# ipywidgets: load them on first use, so that the CLI and scoring start fast.
_LAZY = {
    "BatchResult": "_batch",
    "FormServer": "_serve",
    "Questionnaire": "_form",
    "RenderError": "_render",
    "Report": "_report",
    "ReportJob": "_batch",
    "ReportOutcome": "_batch",
    "ReportRenderer": "_render",
    "Section": "_report",
    "WarmKernel": "_render",
    "export_html": "_render",
    "form_server": "_serve",
    "html_problems": "_render",
    "open_questionnaire": "_form",
    "plan_batch": "_batch",
    "prepare_report": "_report",
    "render_report": "_batch",
    "reportable_units": "_report",
    "run_batch": "_batch",
    "serve_form": "_serve",
    "unit_slug": "_report",
}

if _typing.TYPE_CHECKING:
    from ._batch import (
        BatchResult,
        ReportJob,
        ReportOutcome,
        plan_batch,
        render_report,
        run_batch,
    )
    from ._form import Questionnaire, open_questionnaire
    from ._render import RenderError, ReportRenderer, WarmKernel, export_html, html_problems
    from ._report import Report, Section, prepare_report, reportable_units, unit_slug
    from ._serve import FormServer, form_server, serve_form


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module("." + _LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))  # the lazy names are listed before first use
