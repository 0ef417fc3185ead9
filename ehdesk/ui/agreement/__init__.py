"""The early help agreement screen: signature pad, the Agreement tab, printing stored PDFs."""
