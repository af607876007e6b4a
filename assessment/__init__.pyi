"""The public API of ``assessment``, declared once.

``__init__.py`` reads this stub at import time (``lazy_loader.attach_stub``) to build
``__all__``, ``__getattr__`` and ``__dir__``: every name loads from its module on first use,
so the questionnaire form does not import scipy, pandera or Altair and the command line
starts at once. Type checkers read the same lines. Add a public name here and nowhere else.
"""

from .__version__ import __version__ as __version__
from ._confidentiality._comments import releasable_comments as releasable_comments
from ._confidentiality._engine import suppress_breakdown as suppress_breakdown
from ._confidentiality._publication import Publication as Publication
from ._confidentiality._publication import publication as publication
from ._demo import (
    build_demo as build_demo,
)
from ._demo import (
    demo_responses as demo_responses,
)
from ._demo import (
    generate_frames as generate_frames,
)
from ._display._tables import Table as Table
from ._display._tables import fit_table as fit_table
from ._exceptions import (
    AssessmentError as AssessmentError,
)
from ._exceptions import (
    ConfidentialityError as ConfidentialityError,
)
from ._exceptions import (
    ImportValidationError as ImportValidationError,
)
from ._exceptions import (
    ModelError as ModelError,
)
from ._exceptions import (
    NotFoundError as NotFoundError,
)
from ._exceptions import (
    ParameterError as ParameterError,
)
from ._exceptions import (
    RenderError as RenderError,
)
from ._exceptions import (
    StoreError as StoreError,
)
from ._explore._app import Explorer as Explorer
from ._explore._app import explore as explore
from ._explore._serve import ExploreServer as ExploreServer
from ._explore._serve import explore_server as explore_server
from ._explore._serve import serve_explore as serve_explore
from ._export import export_tables as export_tables
from ._form._invites import (
    Invite as Invite,
)
from ._form._invites import (
    InviteError as InviteError,
)
from ._form._invites import (
    generate_invites as generate_invites,
)
from ._form._invites import (
    list_invites as list_invites,
)
from ._form._invites import (
    write_invites as write_invites,
)
from ._form._questionnaire import (
    Questionnaire as Questionnaire,
)
from ._form._questionnaire import (
    open_questionnaire as open_questionnaire,
)
from ._form._serve import (
    FormServer as FormServer,
)
from ._form._serve import (
    form_server as form_server,
)
from ._form._serve import (
    serve_form as serve_form,
)
from ._model._coding import coded_answers as coded_answers
from ._model._load import (
    inspect_model as inspect_model,
)
from ._model._load import (
    load_model as load_model,
)
from ._model._load import (
    load_model_text as load_model_text,
)
from ._model._schema import MaturityModel as MaturityModel
from ._notebook import short_errors as short_errors
from ._report._batch import (
    plan_batch as plan_batch,
)
from ._report._batch import (
    render_report as render_report,
)
from ._report._batch import (
    run_batch as run_batch,
)
from ._report._jobs import (
    BatchResult as BatchResult,
)
from ._report._jobs import (
    ReportJob as ReportJob,
)
from ._report._jobs import (
    ReportOutcome as ReportOutcome,
)
from ._report._prepare import (
    prepare_report as prepare_report,
)
from ._report._prepare import (
    reportable_units as reportable_units,
)
from ._report._report import (
    Report as Report,
)
from ._report._sections import (
    Section as Section,
)
from ._report._units import (
    unit_slug as unit_slug,
)
from ._responses import ResponseSet as ResponseSet
from ._scoring._analytics import (
    answer_distribution as answer_distribution,
)
from ._scoring._analytics import (
    strengths_and_opportunities as strengths_and_opportunities,
)
from ._scoring._analytics import (
    target_gaps as target_gaps,
)
from ._scoring._analytics import (
    trends as trends,
)
from ._scoring._compare import portfolio_percentiles as portfolio_percentiles
from ._scoring._favourable import item_scores as item_scores
from ._scoring._gaps import iceberg_index as iceberg_index
from ._scoring._gaps import perception_gaps as perception_gaps
from ._scoring._outcomes import enps as enps
from ._scoring._outcomes import trifecta as trifecta
from ._scoring._participation import participation as participation
from ._scoring._quality import quality_flags as quality_flags
from ._scoring._reliability import (
    CronbachAlpha as CronbachAlpha,
)
from ._scoring._reliability import (
    ReliabilityReport as ReliabilityReport,
)
from ._scoring._reliability import (
    cronbach_alpha as cronbach_alpha,
)
from ._scoring._reliability import (
    reliability as reliability,
)
from ._scoring._reliability import (
    rwg_j as rwg_j,
)
from ._scoring._roadmap import roadmap as roadmap
from ._scoring._scores import (
    group_scores as group_scores,
)
from ._scoring._scores import (
    maturity_level as maturity_level,
)
from ._scoring._scores import (
    respondent_scores as respondent_scores,
)
from ._scoring._scores import (
    score_breakdown as score_breakdown,
)
from ._store._engagements import Engagement as Engagement
from ._store._engagements import Organisation as Organisation
from ._store._store import Store as Store
from ._store._workspace import (
    Workspace as Workspace,
)
from ._store._workspace import (
    models_dir as models_dir,
)
from ._store._workspace import (
    samples_dir as samples_dir,
)
from ._tabular import (
    ImportResult as ImportResult,
)
from ._tabular import (
    export_responses as export_responses,
)
from ._tabular import (
    import_responses as import_responses,
)
from ._tabular import (
    read_responses as read_responses,
)
from ._tabular import (
    read_teams as read_teams,
)
from ._tabular import (
    write_responses as write_responses,
)
from ._text import neutralise as neutralise
from ._workbook import (
    agreed_actions as agreed_actions,
)
from ._workbook import (
    compare_portfolio as compare_portfolio,
)
from ._workbook import (
    compare_waves as compare_waves,
)
from ._workbook import (
    engagement_participation as engagement_participation,
)
from ._workbook import (
    engagement_scores as engagement_scores,
)
from ._workbook import (
    invite_teams as invite_teams,
)
from ._workbook import (
    narrative_overview as narrative_overview,
)
from ._workbook import (
    ratings_against_survey as ratings_against_survey,
)
from ._workbook import (
    score_summary as score_summary,
)
from ._workbook import (
    set_narrative_from_file as set_narrative_from_file,
)
from ._workbook import (
    setup_engagement as setup_engagement,
)
from ._workbook import (
    target_plan as target_plan,
)
