"""The council's central server (FastAPI). Never imports ``ehdesk.ui``."""
