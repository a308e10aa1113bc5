"""The meeting pack (PDF) and the spreadsheet export for a period.

`build_pack` writes the printed pack; `export_xlsx` writes the same period as a workbook. Both read
their figures through `figures.gather`, so the PDF and the spreadsheet always agree.
"""

from ppg_desktop.core.reports.pack import PackCancelled, PackOptions, PackResult, build_pack
from ppg_desktop.core.reports.xlsx import export_xlsx

__all__ = ["PackCancelled", "PackOptions", "PackResult", "build_pack", "export_xlsx"]
