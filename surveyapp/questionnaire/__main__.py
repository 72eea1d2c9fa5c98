"""python -m surveyapp.questionnaire validate [PATH...] | diff INSTRUMENT V1 V2 | hash PATH"""

from .cli import main

raise SystemExit(main())
