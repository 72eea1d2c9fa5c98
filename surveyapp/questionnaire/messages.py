"""Messages shown to respondents when an answer is not accepted, in kk / ru / en.

They live here rather than in the Flask-Babel catalogs because the domain layer must work without Flask
and the wording belongs to the questionnaire rules. Phrasings avoid number agreement (Russian plurals).
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "required": {
        "kk": "Бұл сұраққа жауап беру міндетті.",
        "ru": "Это обязательный вопрос.",
        "en": "This question requires an answer.",
    },
    "required_rows": {
        "kk": "Әр жол бойынша жауап беріңіз.",
        "ru": "Ответьте по каждой строке.",
        "en": "Please answer every row.",
    },
    "not_a_choice": {
        "kk": "Тізімдегі жауап нұсқаларының бірін таңдаңыз.",
        "ru": "Выберите один из вариантов ответа из списка.",
        "en": "Choose one of the listed answers.",
    },
    "integer": {
        "kk": "Бүтін сан енгізіңіз.",
        "ru": "Введите целое число.",
        "en": "Enter a whole number.",
    },
    "number": {
        "kk": "Сан енгізіңіз.",
        "ru": "Введите число.",
        "en": "Enter a number.",
    },
    "min": {
        "kk": "Ең аз рұқсат етілген мән: {min}.",
        "ru": "Минимально допустимое значение: {min}.",
        "en": "The smallest allowed value is {min}.",
    },
    "max": {
        "kk": "Ең көп рұқсат етілген мән: {max}.",
        "ru": "Максимально допустимое значение: {max}.",
        "en": "The largest allowed value is {max}.",
    },
    "too_long": {
        "kk": "Мәтіннің ең үлкен ұзындығы: {max_length} таңба.",
        "ru": "Максимальная длина текста: {max_length} знаков.",
        "en": "The text may have at most {max_length} characters.",
    },
    "text": {
        "kk": "Мәтін енгізіңіз.",
        "ru": "Введите текст.",
        "en": "Enter text.",
    },
    "date": {
        "kk": "Күнді ЖЖЖЖ-АА-КК пішімінде енгізіңіз.",
        "ru": "Введите дату в формате ГГГГ-ММ-ДД.",
        "en": "Enter a date as YYYY-MM-DD.",
    },
    "date_min": {
        "kk": "Ең ерте рұқсат етілген күн: {min}.",
        "ru": "Самая ранняя допустимая дата: {min}.",
        "en": "The earliest allowed date is {min}.",
    },
    "date_max": {
        "kk": "Ең кеш рұқсат етілген күн: {max}.",
        "ru": "Самая поздняя допустимая дата: {max}.",
        "en": "The latest allowed date is {max}.",
    },
    "min_choices": {
        "kk": "Таңдалған нұсқалардың ең аз саны: {min_choices}.",
        "ru": "Минимальное число выбранных вариантов: {min_choices}.",
        "en": "Choose at least {min_choices} answers.",
    },
    "max_choices": {
        "kk": "Таңдалған нұсқалардың ең көп саны: {max_choices}.",
        "ru": "Максимальное число выбранных вариантов: {max_choices}.",
        "en": "Choose at most {max_choices} answers.",
    },
    "exclusive": {
        "kk": "«{label}» нұсқасын басқа жауаптармен бірге таңдауға болмайды.",
        "ru": "Вариант «{label}» нельзя выбирать вместе с другими.",
        "en": "“{label}” cannot be chosen together with other answers.",
    },
    "constraint": {
        "kk": "Жауапты тексеріңіз.",
        "ru": "Проверьте ответ.",
        "en": "Please check the answer.",
    },
}


def render(key: str, language: str, **params: object) -> str:
    texts = MESSAGES[key]
    template = texts.get(language) or texts["ru"]
    return template.format(**params)
