"""The explore app's own words in every report language (the report's words do the rest).

Every key exists in every language (a test checks it) and uses the same ``{placeholders}``.
"""

from __future__ import annotations

from typing import Final

__all__ = ["EXPLORE_TEXTS", "explore_text"]

_EN: Final = {
    "title": "Results of {organisation}: {engagement}",
    "breakdown": "Breakdown",
    "by_team": "Team",
    "by_role": "Role",
    "by_department": "Department",
    "by_role_team": "Role × team",
    "level": "Level",
    "level_dimension": "Dimension",
    "level_facet": "Facet",
    "level_item": "Question",
    "unit": "Unit",
    "language": "Language",
    "scope": "Show",
    "scope_organisation": "The organisation",
    "scope_unit": "Unit against the organisation",
    "relative": "Relative to the organisation",
    "tab_heatmap": "Heatmap",
    "tab_gap": "Perception gap",
    "tab_scorecard": "Scorecard",
    "tab_answers": "Answers",
    "tab_comments": "Comments",
    "group": "Group",
    "question": "Question",
    "respondents": "Respondents",
    "difference": "Difference from the organisation",
    "chart_heatmap": "Mean score by group",
    "chart_heatmap_relative": "Difference from the organisation's mean, by group",
    "chart_scorecard": "Mean score by dimension",
    "hidden_note": (
        "Grey cells are hidden: fewer than {min} respondents, or withheld so that a smaller "
        "group cannot be worked out. The same cells are hidden in every report."
    ),
    "nothing_shown": "Nothing can be shown here: every group of this view is hidden.",
    "no_unit": "No {breakdown} can be shown on its own: each one is too small or withheld.",
    "dimension_filter": "Dimension",
    "comments_none": "No comments can be shown for this selection.",
}

_NL: Final = {
    "title": "Resultaten van {organisation}: {engagement}",
    "breakdown": "Uitsplitsing",
    "by_team": "Team",
    "by_role": "Rol",
    "by_department": "Afdeling",
    "by_role_team": "Rol × team",
    "level": "Niveau",
    "level_dimension": "Dimensie",
    "level_facet": "Facet",
    "level_item": "Vraag",
    "unit": "Eenheid",
    "language": "Taal",
    "scope": "Toon",
    "scope_organisation": "De organisatie",
    "scope_unit": "Eenheid tegenover de organisatie",
    "relative": "Ten opzichte van de organisatie",
    "tab_heatmap": "Heatmap",
    "tab_gap": "Verschil in beeld",
    "tab_scorecard": "Scorekaart",
    "tab_answers": "Antwoorden",
    "tab_comments": "Opmerkingen",
    "group": "Groep",
    "question": "Vraag",
    "respondents": "Respondenten",
    "difference": "Verschil met de organisatie",
    "chart_heatmap": "Gemiddelde score per groep",
    "chart_heatmap_relative": "Verschil met het gemiddelde van de organisatie, per groep",
    "chart_scorecard": "Gemiddelde score per dimensie",
    "hidden_note": (
        "Grijze cellen zijn verborgen: minder dan {min} respondenten, of achtergehouden zodat "
        "een kleinere groep niet te herleiden is. In elk rapport zijn dezelfde cellen verborgen."
    ),
    "nothing_shown": "Hier kan niets worden getoond: elke groep van deze weergave is verborgen.",
    "no_unit": (
        "Geen enkele {breakdown} kan afzonderlijk worden getoond: elk is te klein of "
        "achtergehouden."
    ),
    "dimension_filter": "Dimensie",
    "comments_none": "Voor deze keuze kunnen geen opmerkingen worden getoond.",
}

_RU: Final = {
    "title": "Результаты {organisation}: {engagement}",
    "breakdown": "Разбивка",
    "by_team": "Команда",
    "by_role": "Роль",
    "by_department": "Подразделение",
    "by_role_team": "Роль × команда",
    "level": "Уровень",
    "level_dimension": "Измерение",
    "level_facet": "Аспект",
    "level_item": "Вопрос",
    "unit": "Группа",
    "language": "Язык",
    "scope": "Показать",
    "scope_organisation": "Организация",
    "scope_unit": "Группа в сравнении с организацией",
    "relative": "Относительно организации",
    "tab_heatmap": "Тепловая карта",
    "tab_gap": "Разрыв восприятия",
    "tab_scorecard": "Карта показателей",
    "tab_answers": "Ответы",
    "tab_comments": "Комментарии",
    "group": "Группа",
    "question": "Вопрос",
    "respondents": "Респонденты",
    "difference": "Разница с организацией",
    "chart_heatmap": "Средний балл по группам",
    "chart_heatmap_relative": "Разница со средним по организации, по группам",
    "chart_scorecard": "Средний балл по измерениям",
    "hidden_note": (
        "Серые ячейки скрыты: меньше {min} респондентов или скрыты, чтобы нельзя было "
        "вычислить меньшую группу. Те же ячейки скрыты в каждом отчёте."
    ),
    "nothing_shown": "Здесь нечего показать: все группы этого представления скрыты.",
    "no_unit": "Ни одну группу ({breakdown}) нельзя показать отдельно: все малы или скрыты.",
    "dimension_filter": "Измерение",
    "comments_none": "Для этого выбора нельзя показать комментарии.",
}

_UK: Final = {
    "title": "Результати {organisation}: {engagement}",
    "breakdown": "Розбивка",
    "by_team": "Команда",
    "by_role": "Роль",
    "by_department": "Підрозділ",
    "by_role_team": "Роль × команда",
    "level": "Рівень",
    "level_dimension": "Вимір",
    "level_facet": "Аспект",
    "level_item": "Питання",
    "unit": "Група",
    "language": "Мова",
    "scope": "Показати",
    "scope_organisation": "Організація",
    "scope_unit": "Група порівняно з організацією",
    "relative": "Відносно організації",
    "tab_heatmap": "Теплова карта",
    "tab_gap": "Розрив сприйняття",
    "tab_scorecard": "Картка показників",
    "tab_answers": "Відповіді",
    "tab_comments": "Коментарі",
    "group": "Група",
    "question": "Питання",
    "respondents": "Респонденти",
    "difference": "Різниця з організацією",
    "chart_heatmap": "Середній бал за групами",
    "chart_heatmap_relative": "Різниця із середнім по організації, за групами",
    "chart_scorecard": "Середній бал за вимірами",
    "hidden_note": (
        "Сірі клітинки приховано: менше {min} респондентів або приховано, щоб не можна було "
        "обчислити меншу групу. Ті самі клітинки приховано в кожному звіті."
    ),
    "nothing_shown": "Тут нічого показати: усі групи цього подання приховано.",
    "no_unit": "Жодну групу ({breakdown}) не можна показати окремо: усі замалі або приховані.",
    "dimension_filter": "Вимір",
    "comments_none": "Для цього вибору не можна показати коментарі.",
}

#: The explore app's strings per language, then per key.
EXPLORE_TEXTS: Final[dict[str, dict[str, str]]] = {"en": _EN, "nl": _NL, "ru": _RU, "uk": _UK}


def explore_text(language: str, key: str, **values: object) -> str:
    """Return the explore app's string ``key`` in ``language`` with its placeholders filled."""
    template = EXPLORE_TEXTS[language][key]
    return template.format(**values) if values else template
