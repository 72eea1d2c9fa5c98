"""An XLSForm workbook (KoboToolbox, ODK, SurveyCTO, or our own export) as a questionnaire YAML file.

The result is a draft for a researcher: what XLSForm does not say (population, design variables, the other
languages of the title) is left for them to add, and the questionnaire's own validation then says what is
missing, with the line. What cannot be carried over (repeats, GPS, media, functions our expression language
does not have) is an error naming the sheet and row, so nothing is dropped silently.

Groups: a top-level group is a section (a page); a group inside it whose questions are all ``select_one`` of
one list named ``<group>_<row>`` is a matrix (how :mod:`xlsform` exports one); any other inner group is
flattened into its section, with a warning. Questions outside any group form a section of their own.
"""

from .importer import import_xlsform
from .rows import Row
from .state import Imported

__all__ = ["Imported", "Row", "import_xlsform"]
