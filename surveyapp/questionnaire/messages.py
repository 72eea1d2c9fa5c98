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
    "time": {
        "kk": "Уақытты СС:ММ пішімінде енгізіңіз.",
        "ru": "Введите время в формате ЧЧ:ММ.",
        "en": "Enter a time as HH:MM.",
    },
    "datetime": {
        "kk": "Күн мен уақытты енгізіңіз (ЖЖЖЖ-АА-КК СС:ММ).",
        "ru": "Введите дату и время (ГГГГ-ММ-ДД ЧЧ:ММ).",
        "en": "Enter a date and time (YYYY-MM-DD HH:MM).",
    },
    "acknowledge": {
        "kk": "Белгілеу үшін құсбелгі қойыңыз.",
        "ru": "Поставьте отметку, чтобы подтвердить.",
        "en": "Tick the box to confirm.",
    },
    "geopoint": {
        "kk": "Ендік пен бойлықты сан түрінде енгізіңіз, мысалы 51.1694 және 71.4491.",
        "ru": "Введите широту и долготу числами, например 51.1694 и 71.4491.",
        "en": "Enter latitude and longitude as numbers, e.g. 51.1694 and 71.4491.",
    },
    "geopoint_range": {
        "kk": "Ендік −90 мен 90 аралығында, бойлық −180 мен 180 аралығында болуы керек.",
        "ru": "Широта должна быть от −90 до 90, долгота — от −180 до 180.",
        "en": "Latitude must lie between −90 and 90, longitude between −180 and 180.",
    },
    "rank_all": {
        "kk": "Әр орынға бір нұсқа таңдап, барлық нұсқаларды ретке келтіріңіз.",
        "ru": "Расставьте все варианты по порядку: выберите по одному варианту для каждого места.",
        "en": "Put every option in order: choose one option for each place.",
    },
    "rank_twice": {
        "kk": "Бір нұсқаны екі орынға қоюға болмайды.",
        "ru": "Один и тот же вариант нельзя поставить на два места.",
        "en": "The same option cannot take two places.",
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
