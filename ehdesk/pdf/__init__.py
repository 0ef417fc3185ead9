"""reportlab documents: agreement, TAF plan, meeting, assessment, progress charts, closure summary,
chronology.

Each module here is a pure renderer: it takes the view object casework assembled
(``ehdesk.casework.document_views``) and gives back the PDF bytes and its ``DocumentInfo``. None of
them sees a session, queries or audits (tests/test_architecture.py keeps it so). Making "the
latest document of a kind" for a family, and auditing it, is ``ehdesk.documents``."""
