"""Service-maturity assessment workbook: questionnaire, response store, scoring and reports."""

from .__version__ import __version__
from ._config import Workspace, models_dir
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
from ._model import MaturityModel, inspect_model, load_model, load_model_text
from ._responses import ResponseSet
from ._store import Engagement, Organisation, Store
from ._tabular import (
    ImportResult,
    export_responses,
    import_responses,
    neutralise,
    read_responses,
    write_responses,
)

__all__ = [
    "AssessmentError",
    "ConfidentialityError",
    "Engagement",
    "ImportResult",
    "ImportValidationError",
    "MaturityModel",
    "ModelError",
    "NotFoundError",
    "Organisation",
    "ParameterError",
    "ResponseSet",
    "Store",
    "StoreError",
    "Workspace",
    "__version__",
    "build_demo",
    "demo_responses",
    "export_responses",
    "generate_frames",
    "import_responses",
    "inspect_model",
    "load_model",
    "load_model_text",
    "models_dir",
    "neutralise",
    "read_responses",
    "write_responses",
]
