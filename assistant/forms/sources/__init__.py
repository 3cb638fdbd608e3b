"""One module per document format, each returning a :class:`~assistant.forms.document.SourceDocument`."""
