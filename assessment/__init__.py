"""Service-maturity assessment workbook: questionnaire, response store, scoring and reports."""

import typing as _typing

from .__version__ import __version__
from ._exceptions import (
    AssessmentError,
    ConfidentialityError,
    ImportValidationError,
    ModelError,
    NotFoundError,
    ParameterError,
    StoreError,
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
    "Publication",
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
    "answer_distribution",
    "build_demo",
    "coded_answers",
    "compare_portfolio",
    "compare_waves",
    "cronbach_alpha",
    "demo_responses",
    "engagement_participation",
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
    "publication",
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

# Every public name is loaded from its module on first use (PEP 562), so that each entry
# point pays only for what it uses: the Voilà form does not import scipy, pandera or
# Altair, and `assessment --help` starts fast.
_LAZY = {
    "BatchResult": "_batch",
    "CronbachAlpha": "_reliability",
    "Engagement": "_store",
    "FormServer": "_serve",
    "ImportResult": "_tabular",
    "Invite": "_invites",
    "InviteError": "_invites",
    "MaturityModel": "_model",
    "Organisation": "_store",
    "Publication": "_scoring",
    "Questionnaire": "_form",
    "ReliabilityReport": "_reliability",
    "RenderError": "_render",
    "Report": "_report",
    "ReportJob": "_batch",
    "ReportOutcome": "_batch",
    "ReportRenderer": "_render",
    "ResponseSet": "_responses",
    "Section": "_report",
    "Store": "_store",
    "WarmKernel": "_render",
    "Workspace": "_config",
    "answer_distribution": "_analytics",
    "build_demo": "_demo",
    "coded_answers": "_scoring",
    "compare_portfolio": "_workbook",
    "compare_waves": "_workbook",
    "cronbach_alpha": "_reliability",
    "demo_responses": "_demo",
    "engagement_participation": "_workbook",
    "engagement_scores": "_workbook",
    "enps": "_scoring",
    "export_html": "_render",
    "export_responses": "_tabular",
    "form_server": "_serve",
    "generate_frames": "_demo",
    "generate_invites": "_invites",
    "group_scores": "_scoring",
    "html_problems": "_render",
    "iceberg_index": "_scoring",
    "import_responses": "_tabular",
    "inspect_model": "_model",
    "invite_teams": "_workbook",
    "list_invites": "_invites",
    "load_model": "_model",
    "load_model_text": "_model",
    "maturity_level": "_scoring",
    "models_dir": "_config",
    "neutralise": "_tabular",
    "open_questionnaire": "_form",
    "participation": "_participation",
    "perception_gaps": "_scoring",
    "plan_batch": "_batch",
    "portfolio_percentiles": "_compare",
    "prepare_report": "_report",
    "publication": "_scoring",
    "quality_flags": "_quality",
    "ratings_against_survey": "_workbook",
    "read_responses": "_tabular",
    "read_teams": "_tabular",
    "releasable_comments": "_confidentiality",
    "reliability": "_reliability",
    "render_report": "_batch",
    "reportable_units": "_report",
    "respondent_scores": "_scoring",
    "roadmap": "_roadmap",
    "run_batch": "_batch",
    "rwg_j": "_reliability",
    "samples_dir": "_config",
    "score_breakdown": "_scoring",
    "score_summary": "_workbook",
    "serve_form": "_serve",
    "setup_engagement": "_workbook",
    "strengths_and_opportunities": "_analytics",
    "suppress_breakdown": "_confidentiality",
    "target_gaps": "_analytics",
    "target_plan": "_workbook",
    "trends": "_analytics",
    "trifecta": "_scoring",
    "unit_slug": "_report",
    "write_invites": "_invites",
    "write_responses": "_tabular",
}

if _typing.TYPE_CHECKING:
    from ._analytics import (
        answer_distribution,
        strengths_and_opportunities,
        target_gaps,
        trends,
    )
    from ._batch import BatchResult, ReportJob, ReportOutcome, plan_batch, render_report, run_batch
    from ._compare import portfolio_percentiles
    from ._confidentiality import releasable_comments, suppress_breakdown
    from ._config import Workspace, models_dir, samples_dir
    from ._demo import build_demo, demo_responses, generate_frames
    from ._form import Questionnaire, open_questionnaire
    from ._invites import Invite, InviteError, generate_invites, list_invites, write_invites
    from ._model import MaturityModel, inspect_model, load_model, load_model_text
    from ._participation import participation
    from ._quality import quality_flags
    from ._reliability import CronbachAlpha, ReliabilityReport, cronbach_alpha, reliability, rwg_j
    from ._render import RenderError, ReportRenderer, WarmKernel, export_html, html_problems
    from ._report import Report, Section, prepare_report, reportable_units, unit_slug
    from ._responses import ResponseSet
    from ._roadmap import roadmap
    from ._scoring import (
        Publication,
        coded_answers,
        enps,
        group_scores,
        iceberg_index,
        maturity_level,
        perception_gaps,
        publication,
        respondent_scores,
        score_breakdown,
        trifecta,
    )
    from ._serve import FormServer, form_server, serve_form
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
        engagement_participation,
        engagement_scores,
        invite_teams,
        ratings_against_survey,
        score_summary,
        setup_engagement,
        target_plan,
    )


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module("." + _LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))  # the lazy names are listed before first use
