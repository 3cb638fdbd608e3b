"""pe-assistant: 项目支出绩效评价助手 (project expenditure performance evaluation assistant)."""

import os

# Telemetry off before chromadb or gradio is ever imported (they read these at import time).
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

__version__ = "0.1.0"
