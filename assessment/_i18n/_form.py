"""The questionnaire's own words (buttons, messages, page titles) in every form language.

Questions, scales, the introduction and the confidentiality promise come from the model;
this module holds only what the form itself says. Every language has every key (a test
checks it), and placeholders are filled with :func:`text`.
"""

from __future__ import annotations

__all__ = ["LANGUAGE_NAMES", "STRINGS", "role_name", "text"]

#: Each form language in its own words, as the language picker shows it.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "nl": "Nederlands",
    "ru": "Русский",
    "uk": "Українська",
}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "language_title": "Choose your language",
        "continue": "Continue",
        "back": "Back",
        "next": "Next",
        "start": "Start",
        "resume": "Continue where I left off",
        "code_title": "Your invitation code",
        "code_prompt": (
            "Enter the code from your invitation. It tells us only your role and team, "
            "never your name."
        ),
        "code_label": "Code",
        "code_empty": "Enter your code.",
        "code_unknown": (
            "This code is not valid. Check it and try again, or ask the person who invited you."
        ),
        "code_expired": (
            "This code has expired. Ask the person who invited you for a new one."
        ),
        "code_used_up": (
            "This code has already been used as often as allowed. If you have not answered "
            "yet, ask the person who invited you for a new code."
        ),
        "code_submitted": "The answers for this code have already been submitted. Thank you!",
        "code_busy": (
            "Many people have started with this code and not yet submitted, so no new start is "
            "possible just now. If you started before, enter the personal code you were given; "
            "otherwise try again later or ask the person who invited you."
        ),
        "code_revoked": (
            "This code has been withdrawn by the person who invited you. Answers already "
            "submitted with it are kept. If you have not answered yet, ask them for a new code."
        ),
        "code_lapsed": (
            "The unfinished answers kept under this personal code have been removed: they are "
            "kept for {days} days after your last visit, or until the person who invited you "
            "clears them. Enter your team's code to start again."
        ),
        "code_wait": "Too many codes were tried. Please wait {seconds} s, then try again.",
        "welcome_title": "Welcome",
        "purpose_title": "What this is about",
        "confidential_title": "Your answers are confidential",
        "who_sees": (
            "Who sees what: the consultants running this assessment see answers without names. "
            "Your organisation sees only results of groups of at least {min_group_size} people, "
            "never individual answers or invitation codes."
        ),
        "you_answer_as": "You answer as: {role}, team {team}.",
        "personal_code": (
            "Your team shares the code you entered. To continue later, for example after "
            "closing this window, enter this personal code instead: {code}. Write it down and "
            "keep it to yourself."
        ),
        "welcome_back": (
            "Welcome back. Your earlier answers are kept; you continue where you left off."
        ),
        "progress": "Page {page} of {pages}",
        "continue_code": "Your personal code to continue later: {code}",
        "comment_label": "Comment (optional)",
        "comment_hint": "Up to {max} characters. Please do not write names.",
        "comment_too_long": (
            "This comment has {n} characters; the maximum is {max}. Please shorten it."
        ),
        "unanswered": "Not answered yet. You may leave it open and come back to it later.",
        "page_unanswered": (
            "Some questions are not answered yet. Click Next again to go on anyway."
        ),
        "page_invalid": "Please correct the marked fields.",
        "outcomes_title": "Overall",
        "outcomes_intro": "Finally, a few questions about your organisation as a whole.",
        "review_title": "Review and submit",
        "review_complete": "You have answered every question.",
        "review_open": "These questions are not answered yet:",
        "review_note": (
            "You can still submit; open questions count as not answered. After submitting you "
            "cannot change your answers."
        ),
        "review_goto": "Go to: {page}",
        "submit": "Submit my answers",
        "thanks_title": "Thank you!",
        "thanks_body": "Your answers have been saved. You can close this window now.",
        "save_failed": (
            "Your answers could not be saved just now. Please try again in a moment; "
            "the pages you completed earlier are kept."
        ),
        "saved": "Your answers so far are saved.",
        "session_ended": (
            "This session ended after {minutes} min without activity. Your answers up to the "
            "last page you completed are saved: reload this page and enter your code to "
            "continue."
        ),
        "server_busy": (
            "Many people are answering right now. Please try again in a minute; this page "
            "tries again by itself."
        ),
        "role_executive": "executive",
        "role_manager": "manager",
        "role_frontline": "frontline employee",
    },
    "nl": {
        "language_title": "Kies uw taal",
        "continue": "Verder",
        "back": "Terug",
        "next": "Volgende",
        "start": "Beginnen",
        "resume": "Verdergaan waar ik gebleven was",
        "code_title": "Uw uitnodigingscode",
        "code_prompt": (
            "Vul de code uit uw uitnodiging in. Die vertelt ons alleen uw rol en team, "
            "nooit uw naam."
        ),
        "code_label": "Code",
        "code_empty": "Vul uw code in.",
        "code_unknown": (
            "Deze code is niet geldig. Controleer hem en probeer het opnieuw, of vraag het aan "
            "degene die u heeft uitgenodigd."
        ),
        "code_expired": (
            "Deze code is verlopen. Vraag degene die u heeft uitgenodigd om een nieuwe code."
        ),
        "code_used_up": (
            "Deze code is al zo vaak gebruikt als toegestaan. Heeft u nog niet geantwoord, "
            "vraag dan degene die u heeft uitgenodigd om een nieuwe code."
        ),
        "code_submitted": "De antwoorden voor deze code zijn al verstuurd. Dank u wel!",
        "code_busy": (
            "Veel mensen zijn met deze code begonnen en hebben nog niet verstuurd, dus opnieuw "
            "beginnen kan nu niet. Bent u al eerder begonnen, vul dan de persoonlijke code in "
            "die u hebt gekregen; probeer het anders later opnieuw of vraag het aan degene die "
            "u heeft uitgenodigd."
        ),
        "code_revoked": (
            "Deze code is ingetrokken door degene die u heeft uitgenodigd. Antwoorden die al "
            "met deze code zijn verstuurd, blijven bewaard. Heeft u nog niet geantwoord, vraag "
            "dan om een nieuwe code."
        ),
        "code_lapsed": (
            "De onafgemaakte antwoorden onder deze persoonlijke code zijn verwijderd: ze worden "
            "{days} dagen na uw laatste bezoek bewaard, of tot degene die u heeft uitgenodigd "
            "ze wist. Vul de code van uw team in om opnieuw te beginnen."
        ),
        "code_wait": (
            "Er zijn te veel codes geprobeerd. Wacht {seconds} s en probeer het dan opnieuw."
        ),
        "welcome_title": "Welkom",
        "purpose_title": "Waar het over gaat",
        "confidential_title": "Uw antwoorden zijn vertrouwelijk",
        "who_sees": (
            "Wie ziet wat: de consultants die dit onderzoek uitvoeren zien antwoorden zonder "
            "namen. Uw organisatie ziet alleen uitkomsten van groepen van minstens "
            "{min_group_size} personen, nooit individuele antwoorden of uitnodigingscodes."
        ),
        "you_answer_as": "U antwoordt als: {role}, team {team}.",
        "personal_code": (
            "Uw team deelt de code die u hebt ingevuld. Wilt u later verdergaan, bijvoorbeeld "
            "na het sluiten van dit venster, vul dan in plaats daarvan deze persoonlijke code "
            "in: {code}. Schrijf hem op en houd hem voor uzelf."
        ),
        "welcome_back": (
            "Welkom terug. Uw eerdere antwoorden zijn bewaard; u gaat verder waar u gebleven "
            "was."
        ),
        "progress": "Pagina {page} van {pages}",
        "continue_code": "Uw persoonlijke code om later verder te gaan: {code}",
        "comment_label": "Toelichting (optioneel)",
        "comment_hint": "Maximaal {max} tekens. Noem alstublieft geen namen.",
        "comment_too_long": (
            "Deze toelichting heeft {n} tekens; het maximum is {max}. Maak hem korter."
        ),
        "unanswered": (
            "Nog niet beantwoord. U mag de vraag openlaten en er later op terugkomen."
        ),
        "page_unanswered": (
            "Enkele vragen zijn nog niet beantwoord. Klik nogmaals op Volgende om toch "
            "verder te gaan."
        ),
        "page_invalid": "Verbeter de gemarkeerde velden.",
        "outcomes_title": "Algemeen",
        "outcomes_intro": "Tot slot een paar vragen over uw organisatie als geheel.",
        "review_title": "Controleren en versturen",
        "review_complete": "U heeft alle vragen beantwoord.",
        "review_open": "Deze vragen zijn nog niet beantwoord:",
        "review_note": (
            "U kunt nu al versturen; open vragen tellen als niet beantwoord. Na het versturen "
            "kunt u uw antwoorden niet meer wijzigen."
        ),
        "review_goto": "Naar: {page}",
        "submit": "Mijn antwoorden versturen",
        "thanks_title": "Dank u wel!",
        "thanks_body": "Uw antwoorden zijn opgeslagen. U kunt dit venster nu sluiten.",
        "save_failed": (
            "Uw antwoorden konden nu niet worden opgeslagen. Probeer het zo opnieuw; de "
            "pagina's die u eerder hebt ingevuld, zijn bewaard."
        ),
        "saved": "Uw antwoorden tot nu toe zijn opgeslagen.",
        "session_ended": (
            "Deze sessie is beëindigd na {minutes} min. zonder activiteit. Uw antwoorden "
            "tot en met de laatste pagina die u afrondde zijn opgeslagen: laad deze pagina "
            "opnieuw en vul uw code in om verder te gaan."
        ),
        "server_busy": (
            "Er vullen nu veel mensen de vragenlijst in. Probeer het over een minuut opnieuw; "
            "deze pagina probeert het zelf opnieuw."
        ),
        "role_executive": "directielid",
        "role_manager": "leidinggevende",
        "role_frontline": "medewerker met klantcontact",
    },
    "ru": {
        "language_title": "Выберите язык",
        "continue": "Далее",
        "back": "Назад",
        "next": "Далее",
        "start": "Начать",
        "resume": "Продолжить с того же места",
        "code_title": "Ваш код приглашения",
        "code_prompt": (
            "Введите код из приглашения. По нему мы узнаём только вашу роль и команду, "
            "но не ваше имя."
        ),
        "code_label": "Код",
        "code_empty": "Введите код.",
        "code_unknown": (
            "Этот код недействителен. Проверьте его и попробуйте ещё раз или обратитесь к "
            "тому, кто вас пригласил."
        ),
        "code_expired": (
            "Срок действия этого кода истёк. Попросите новый код у того, кто вас пригласил."
        ),
        "code_used_up": (
            "Этот код уже использован максимальное число раз. Если вы ещё не отвечали, "
            "попросите новый код у того, кто вас пригласил."
        ),
        "code_submitted": "Ответы по этому коду уже отправлены. Спасибо!",
        "code_busy": (
            "С этим кодом уже начали отвечать многие, но ещё не отправили ответы, поэтому "
            "начать заново сейчас нельзя. Если вы уже начинали, введите полученный личный код; "
            "иначе попробуйте позже или обратитесь к тому, кто вас пригласил."
        ),
        "code_revoked": (
            "Этот код отозван тем, кто вас пригласил. Уже отправленные по нему ответы "
            "сохранены. Если вы ещё не отвечали, попросите новый код."
        ),
        "code_lapsed": (
            "Незавершённые ответы, сохранённые под этим личным кодом, удалены: они хранятся "
            "{days} дн. после последнего посещения или пока их не удалит тот, кто вас "
            "пригласил. Введите код вашей команды, чтобы начать заново."
        ),
        "code_wait": (
            "Слишком много попыток ввода кода. Подождите {seconds} с и попробуйте ещё раз."
        ),
        "welcome_title": "Добро пожаловать",
        "purpose_title": "О чём эта анкета",
        "confidential_title": "Ваши ответы конфиденциальны",
        "who_sees": (
            "Кто что видит: консультанты, проводящие оценку, видят ответы без имён. Ваша "
            "организация видит только результаты групп численностью от {min_group_size} "
            "человек и никогда не видит индивидуальных ответов или кодов приглашения."
        ),
        "you_answer_as": "Вы отвечаете как: {role}, команда {team}.",
        "personal_code": (
            "Введённый вами код общий для вашей команды. Чтобы продолжить позже, например "
            "после закрытия этого окна, введите вместо него личный код: {code}. Запишите его "
            "и никому не сообщайте."
        ),
        "welcome_back": (
            "С возвращением. Ваши прежние ответы сохранены; вы продолжите с того же места."
        ),
        "progress": "Страница {page} из {pages}",
        "continue_code": "Ваш личный код, чтобы продолжить позже: {code}",
        "comment_label": "Комментарий (необязательно)",
        "comment_hint": "До {max} символов. Пожалуйста, не называйте имён.",
        "comment_too_long": (
            "Длина комментария — {n}, допускается не более {max} символов. Пожалуйста, "
            "сократите его."
        ),
        "unanswered": "Ответа пока нет. Можно оставить вопрос и вернуться к нему позже.",
        "page_unanswered": (
            "На некоторые вопросы ещё нет ответа. Нажмите «Далее» ещё раз, чтобы всё равно "
            "продолжить."
        ),
        "page_invalid": "Исправьте отмеченные поля.",
        "outcomes_title": "В целом",
        "outcomes_intro": "И напоследок несколько вопросов о вашей организации в целом.",
        "review_title": "Проверка и отправка",
        "review_complete": "Вы ответили на все вопросы.",
        "review_open": "На эти вопросы ещё нет ответа:",
        "review_note": (
            "Отправить можно и сейчас; вопросы без ответа будут учтены как пропущенные. После "
            "отправки ответы изменить нельзя."
        ),
        "review_goto": "Перейти к разделу «{page}»",
        "submit": "Отправить ответы",
        "thanks_title": "Спасибо!",
        "thanks_body": "Ваши ответы сохранены. Это окно можно закрыть.",
        "save_failed": (
            "Сейчас не удалось сохранить ответы. Попробуйте ещё раз чуть позже; ранее "
            "заполненные страницы сохранены."
        ),
        "saved": "Ваши ответы сохранены.",
        "session_ended": (
            "Сеанс завершён: {minutes} мин. без активности. Ответы до последней заполненной "
            "страницы сохранены: обновите страницу и введите свой код, чтобы продолжить."
        ),
        "server_busy": (
            "Сейчас анкету заполняют очень многие. Попробуйте снова через минуту; страница "
            "повторит попытку сама."
        ),
        "role_executive": "руководитель высшего звена",
        "role_manager": "линейный руководитель",
        "role_frontline": "сотрудник первой линии",
    },
    "uk": {
        "language_title": "Оберіть мову",
        "continue": "Далі",
        "back": "Назад",
        "next": "Далі",
        "start": "Почати",
        "resume": "Продовжити з того ж місця",
        "code_title": "Ваш код запрошення",
        "code_prompt": (
            "Введіть код із запрошення. За ним ми дізнаємося лише вашу роль і команду, "
            "але не ваше ім’я."
        ),
        "code_label": "Код",
        "code_empty": "Введіть код.",
        "code_unknown": (
            "Цей код недійсний. Перевірте його та спробуйте ще раз або зверніться до того, "
            "хто вас запросив."
        ),
        "code_expired": (
            "Термін дії цього коду закінчився. Попросіть новий код у того, хто вас запросив."
        ),
        "code_used_up": (
            "Цей код уже використано максимальну кількість разів. Якщо ви ще не відповідали, "
            "попросіть новий код у того, хто вас запросив."
        ),
        "code_submitted": "Відповіді за цим кодом уже надіслано. Дякуємо!",
        "code_busy": (
            "З цим кодом уже почали відповідати багато людей, але ще не надіслали відповіді, "
            "тому почати заново зараз не можна. Якщо ви вже починали, введіть отриманий "
            "особистий код; інакше спробуйте пізніше або зверніться до того, хто вас запросив."
        ),
        "code_revoked": (
            "Цей код відкликав той, хто вас запросив. Уже надіслані за ним відповіді "
            "збережено. Якщо ви ще не відповідали, попросіть новий код."
        ),
        "code_lapsed": (
            "Незавершені відповіді, збережені під цим особистим кодом, видалено: вони "
            "зберігаються {days} дн. після останнього відвідування або доки їх не видалить "
            "той, хто вас запросив. Введіть код вашої команди, щоб почати знову."
        ),
        "code_wait": "Забагато спроб ввести код. Зачекайте {seconds} с і спробуйте ще раз.",
        "welcome_title": "Ласкаво просимо",
        "purpose_title": "Про що ця анкета",
        "confidential_title": "Ваші відповіді конфіденційні",
        "who_sees": (
            "Хто що бачить: консультанти, які проводять оцінку, бачать відповіді без імен. "
            "Ваша організація бачить лише результати груп щонайменше з {min_group_size} осіб "
            "і ніколи не бачить індивідуальних відповідей чи кодів запрошення."
        ),
        "you_answer_as": "Ви відповідаєте як: {role}, команда {team}.",
        "personal_code": (
            "Введений вами код спільний для вашої команди. Щоб продовжити пізніше, наприклад "
            "після закриття цього вікна, введіть замість нього особистий код: {code}. "
            "Запишіть його і нікому не повідомляйте."
        ),
        "welcome_back": (
            "З поверненням. Ваші попередні відповіді збережено; ви продовжите з того ж місця."
        ),
        "progress": "Сторінка {page} з {pages}",
        "continue_code": "Ваш особистий код, щоб продовжити пізніше: {code}",
        "comment_label": "Коментар (необов’язково)",
        "comment_hint": "До {max} символів. Будь ласка, не називайте імен.",
        "comment_too_long": (
            "Довжина коментаря — {n}, дозволено не більше {max} символів. Будь ласка, "
            "скоротіть його."
        ),
        "unanswered": "Відповіді ще немає. Можна залишити питання і повернутися до нього пізніше.",
        "page_unanswered": (
            "На деякі питання ще немає відповіді. Натисніть «Далі» ще раз, щоб усе одно "
            "продовжити."
        ),
        "page_invalid": "Виправте позначені поля.",
        "outcomes_title": "Загалом",
        "outcomes_intro": "І наостанок кілька питань про вашу організацію загалом.",
        "review_title": "Перевірка та надсилання",
        "review_complete": "Ви відповіли на всі питання.",
        "review_open": "На ці питання ще немає відповіді:",
        "review_note": (
            "Надіслати можна й зараз; питання без відповіді будуть враховані як пропущені. "
            "Після надсилання змінити відповіді не можна."
        ),
        "review_goto": "Перейти до розділу «{page}»",
        "submit": "Надіслати відповіді",
        "thanks_title": "Дякуємо!",
        "thanks_body": "Ваші відповіді збережено. Це вікно можна закрити.",
        "save_failed": (
            "Зараз не вдалося зберегти відповіді. Спробуйте ще раз трохи згодом; раніше "
            "заповнені сторінки збережено."
        ),
        "saved": "Ваші відповіді збережено.",
        "session_ended": (
            "Сеанс завершено: {minutes} хв без активності. Відповіді до останньої заповненої "
            "сторінки збережено: оновіть сторінку та введіть свій код, щоб продовжити."
        ),
        "server_busy": (
            "Зараз анкету заповнюють дуже багато людей. Спробуйте знову за хвилину; сторінка "
            "повторить спробу сама."
        ),
        "role_executive": "керівник вищої ланки",
        "role_manager": "лінійний керівник",
        "role_frontline": "працівник першої лінії",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """Return the form string ``key`` in ``lang`` (English if the language is unknown)."""
    template = STRINGS.get(lang, STRINGS["en"])[key]
    return template.format(**values) if values else template


def role_name(lang: str, role: str) -> str:
    """Return how the form names ``role`` in ``lang``."""
    return text(lang, f"role_{role}")
