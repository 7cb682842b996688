"""The fixed material of the demo year's NPM visits: the external participants' registry,
themes, purposes, general findings, obstruction, interviewees and their check-ins."""

from __future__ import annotations

from casework.reference.models import CctvCoverage, FacilityType
from casework.reference.regions import Region
from casework.visits.models import CheckInResult, ObstructionKind, ReprisalKind, VisitType

R, F = Region, FacilityType

# The NPM works through the year, less in the January and summer holidays (month → weight).
MONTH_WEIGHTS = {1: 6, 2: 10, 3: 9, 4: 11, 5: 9, 6: 10, 7: 7, 8: 8, 9: 11, 10: 12, 11: 12,
                 12: 10}
TYPE_SHARES = {VisitType.PLANNED: 45, VisitType.THEMATIC: 20, VisitType.REACTIVE: 15,
               VisitType.FOLLOW_UP: 20}
# How often the NPM goes to each kind of place, relative to the others.
TYPE_WEIGHTS = {
    F.PENAL_COLONY: 3.0, F.PRETRIAL_DETENTION: 3.0, F.TEMPORARY_HOLDING: 1.2,
    F.SPECIAL_RECEPTION: 1.2, F.PSYCHIATRIC_HOSPITAL: 2.0, F.SOCIAL_WELFARE: 1.6,
    F.CHILDRENS_INSTITUTION: 1.6, F.MILITARY_GUARDHOUSE: 1.0, F.MIGRANT_DETENTION: 1.4,
}
# Days a visit takes at each kind of place (a weight per length).
LENGTHS = {
    F.PENAL_COLONY: {1: 2, 2: 5, 3: 3}, F.PRETRIAL_DETENTION: {1: 3, 2: 5, 3: 1},
    F.PSYCHIATRIC_HOSPITAL: {1: 4, 2: 4, 3: 1},
}
OTHER_LENGTHS = {1: 8, 2: 2}
ANNOUNCED = {VisitType.PLANNED: 0.15, VisitType.THEMATIC: 0.2, VisitType.REACTIVE: 0.0,
             VisitType.FOLLOW_UP: 0.05}

# Facility kinds in the texts below ("" fits any).
KINDS = {
    F.PENAL_COLONY: "penal", F.PRETRIAL_DETENTION: "penal", F.TEMPORARY_HOLDING: "police",
    F.SPECIAL_RECEPTION: "police", F.MIGRANT_DETENTION: "migrant",
    F.PSYCHIATRIC_HOSPITAL: "care", F.SOCIAL_WELFARE: "care",
    F.CHILDRENS_INSTITUTION: "children", F.MILITARY_GUARDHOUSE: "military",
}

THEMES = {
    "penal": ("Медицинское обеспечение осуждённых с ВИЧ и туберкулёзом",
              "Содержание в дисциплинарном изоляторе (ШИЗО)",
              "Права осуждённых пожилого возраста и лиц с инвалидностью",
              "Предупреждение суицидов и самоповреждений",
              "Видеонаблюдение и носимые видеорегистраторы",
              "Положение женщин в местах лишения свободы (Бангкокские правила)"),
    "police": ("Первые часы задержания: уведомление родственников и доступ к защитнику",
               "Регистрация телесных повреждений при доставлении",
               "Видеонаблюдение в комнатах для допросов"),
    "migrant": ("Доступ иностранцев к переводчику и консульству",),
    "care": ("Применение мер физического стеснения",
             "Права пациентов при недобровольной госпитализации",
             "Условия проживания лиц с инвалидностью"),
    "children": ("Защита детей от насилия", "Образование и досуг воспитанников"),
    "military": ("Условия содержания военнослужащих на гауптвахте",),
}
REACTIVE_REASONS = (
    "сообщениям о применении силы к содержащимся",
    "жалобам родственников на отказ в медицинской помощи",
    "сообщению о смерти содержащегося",
    "публикациям в СМИ о массовой голодовке",
    "сообщениям о давлении на заявителей",
    "жалобе на условия содержания в дисциплинарном изоляторе",
)
OPENINGS = (
    "Группа осмотрела жилые и режимные помещения, медицинскую часть и пищеблок, изучила "
    "журналы учёта.",
    "Осмотрены камеры, дисциплинарный изолятор и комнаты для свиданий; изучена документация "
    "медицинской части.",
    "Группа посетила все корпуса, провела конфиденциальные беседы и изучила журналы "
    "регистрации телесных повреждений.",
)
CLEAN = "Существенных нарушений не выявлено; администрация обеспечила беспрепятственный доступ."
OBSTRUCTED = ("Зафиксированы факты воспрепятствования работе группы (см. раздел о "
              "воспрепятствовании).")
UNOBSTRUCTED = "Администрация обеспечила беспрепятственный доступ ко всем помещениям."
CANCEL_REASONS = (
    "Карантин по гриппу в учреждении; посещение перенесено.",
    "Трасса закрыта из-за бурана: группа не смогла выехать.",
    "Руководитель группы заболел; посещение перенесено на следующий месяц.",
    "Учреждение на ремонте, содержащиеся временно переведены.",
)
CCTV_NOTES = {
    CctvCoverage.FULL: "Камеры охватывают все помещения, записи хранятся 30 суток.",
    CctvCoverage.PARTIAL: "Нет камер в помещениях для обысков и на лестничных пролётах.",
    CctvCoverage.NONE: "Видеонаблюдение не работает: камеры отключены или отсутствуют.",
    CctvCoverage.UNKNOWN: "",
}

OBSTRUCTION_KINDS = {
    ObstructionKind.ACCESS_DELAYED: 40, ObstructionKind.STAFF_PRESENT: 20,
    ObstructionKind.DOCUMENTS_REFUSED: 15, ObstructionKind.NO_PRIVATE_INTERVIEWS: 10,
    ObstructionKind.INTIMIDATION: 9, ObstructionKind.ACCESS_DENIED: 6,
}
OFFICIALS = ("заместитель начальника учреждения по режиму", "дежурный помощник начальника",
             "начальник оперативного отдела", "начальник медицинской части", "дежурный по ИВС",
             "заместитель главного врача", "директор учреждения")
RANKS = ("майор", "подполковник", "капитан", "старший лейтенант", "")
OBSTRUCTION_TEXTS = {
    ObstructionKind.ACCESS_DELAYED: (
        "Группу не пропускали на территорию, ссылаясь на отсутствие начальника учреждения.",
        "Допуск задержан до согласования с вышестоящим органом по телефону.",
    ),
    ObstructionKind.STAFF_PRESENT: (
        "Сотрудник отказался покинуть помещение во время конфиденциальной беседы.",
        "Беседы проводились в комнате, где сотрудники слышали разговор через открытую дверь.",
    ),
    ObstructionKind.DOCUMENTS_REFUSED: (
        "Отказано в предоставлении журнала регистрации телесных повреждений.",
        "Медицинские карты не предоставлены со ссылкой на врачебную тайну.",
    ),
    ObstructionKind.NO_PRIVATE_INTERVIEWS: (
        "Беседы наедине не разрешены: администрация сослалась на требования безопасности.",
    ),
    ObstructionKind.INTIMIDATION: (
        "Сотрудник в присутствии группы предупредил содержащихся о «последствиях жалоб».",
        "Содержащимся, беседовавшим с группой, было велено сообщить содержание разговора.",
    ),
    ObstructionKind.ACCESS_DENIED: (
        "Группу не допустили в дисциплинарный изолятор, сославшись на карантин.",
        "Отказано в доступе в отделение для недобровольно госпитализированных.",
    ),
}

RISK_NOTES = (
    "Сообщил о применении силы сотрудниками при водворении в ШИЗО; опасается давления.",
    "Рассказал о вымогательстве со стороны других содержащихся при попустительстве "
    "администрации.",
    "Жаловался на отказ в медицинской помощи; сотрудники видели, что он беседовал с группой.",
    "Сообщил о систематических избиениях; просил не раскрывать его данные.",
    "Заявил о принуждении к работе без оплаты; опасается перевода в другой отряд.",
    "Ранее подвергался взысканиям после жалоб; просит контроля со стороны НПМ.",
    "Топпен сөйлескені үшін қысым көрсетілуі мүмкін деп қорқады.",
)
# Check-ins after the visit's end: the first after FIRST_CHECK_IN_WORKING_DAYS (as the
# visit pages default it), the later ones after these gaps in days; then the follow-up ends.
FIRST_CHECK_IN_WORKING_DAYS = 10
LATER_CHECK_INS = (30, 60)
CHECK_IN_RESULTS = {CheckInResult.NO_CONCERNS: 88, CheckInResult.NOT_REACHED: 12}
CHECK_IN_NOTES = {
    CheckInResult.NO_CONCERNS: (
        "По телефону: жалоб нет, давления не оказывается.",
        "Беседа в ходе выезда в учреждение: условия не изменились, угроз не поступало.",
        "Со слов родственников, всё в порядке; свидание состоялось.",
        "Шағым жоқ, қысым көрсетілмейді.",
    ),
    CheckInResult.NOT_REACHED: (
        "Связаться не удалось: по сведениям учреждения, он на работе в промзоне.",
        "Телефон родственников не отвечает; повторить через неделю.",
    ),
}
REPRISALS = {
    ReprisalKind.THREATS: (30, "Сотрудники угрожают переводом в ШИЗО за «жалобы в НПМ»."),
    ReprisalKind.DISCIPLINARY_PUNISHMENT: (
        25, "Через неделю после посещения наложено взыскание за «нарушение формы одежды»."),
    ReprisalKind.TRANSFER: (
        15, "Переведён в другой отряд с более строгими условиями без объяснения причин."),
    ReprisalKind.LOSS_OF_PAROLE_SUPPORT: (
        15, "Администрация отозвала положительную характеристику к ходатайству об УДО."),
    ReprisalKind.LOSS_OF_PRIVILEGES: (
        15, "Лишён длительного свидания и передачи после беседы с группой НПМ."),
}
VIOLENCE = "Сообщил, что после беседы с группой НПМ был избит сотрудниками при обыске."
# The summary a case opened at a check-in gets (as visits.reprisals writes it, in Russian).
REPRISAL_SUMMARY = "Преследование после посещения НПМ {reference}: {kind}"
REPRISAL_LABELS = {
    ReprisalKind.VIOLENCE: "насилие", ReprisalKind.THREATS: "угрозы",
    ReprisalKind.DISCIPLINARY_PUNISHMENT: "дисциплинарное взыскание",
    ReprisalKind.TRANSFER: "перевод в другое учреждение или отряд",
    ReprisalKind.LOSS_OF_PAROLE_SUPPORT: "отказ администрации поддержать УДО",
    ReprisalKind.LOSS_OF_PRIVILEGES: "лишение свиданий, передач, звонков",
}

ORGANISATIONS = (
    "ОО «Казахстанское международное бюро по правам человека и соблюдению законности»",
    "ОФ «Хартия за права человека»",
    "ОО «Кадір-қасиет»",
    "Коалиция НПО Казахстана против пыток",
    "ОО «Союз кризисных центров»",
    "ОФ «Международная тюремная реформа в Центральной Азии»",
    "Общественная наблюдательная комиссия",
    "ОО «Ассоциация независимых врачей»",
)
# (full name, organisation index, expertise, region, declaration: days before the demo's
# first run it was signed, or None while it is not; the years it is valid; active).
PARTICIPANTS = (
    ("Ахметова Гульмира Серикқызы", 0, "юрист", None, 700, 3, True),
    ("Ковтун Евгения Аркадьевна", 0, "правозащитник", R.ALMATY_CITY, 820, 3, True),
    ("Калиева Айгуль Маратовна", 1, "юрист", R.ASTANA, 560, 3, True),
    ("Мукашев Ерлан Болатович", 1, "правозащитник", R.KARAGANDA, 910, 3, True),
    ("Сагындыкова Дана Ерлановна", 2, "психолог", R.ALMATY, 430, 3, True),
    ("Тлеубаев Айдар Кайратович", 3, "юрист", R.SHYMKENT, 640, 3, True),
    ("Ибрагимова Лейла Рашидовна", 3, "врач-психиатр", None, 380, 3, True),
    ("Петров Константин Сергеевич", 4, "психолог", R.PAVLODAR, 720, 3, True),
    ("Нурмагамбетова Сауле Аскаровна", 4, "социальный работник", R.AKTOBE, 300, 3, True),
    ("Ким Виталий Эдуардович", 5, "врач-терапевт", None, 510, 3, True),
    ("Оразбаева Жанар Тулегеновна", 5, "педагог-психолог", R.TURKISTAN, 460, 3, True),
    ("Абишев Марат Нурланович", 6, "правозащитник", R.EAST_KAZAKHSTAN, 690, 3, True),
    ("Васильева Ольга Николаевна", 6, "юрист", R.KOSTANAY, 250, 3, True),
    ("Шайхина Гаухар Ермековна", 7, "врач-фтизиатр", None, 580, 3, True),
    ("Досмагамбетов Руслан Асылбекович", 7, "врач-терапевт", R.WEST_KAZAKHSTAN, 610, 3, True),
    ("Байгужина Асем Бауыржановна", 0, "юрист", R.ZHAMBYL, 350, 3, True),
    ("Сеитов Тимур Ерболович", 1, "правозащитник", R.ABAI, 770, 3, True),
    ("Ермекова Индира Каиржановна", 2, "психолог", R.ATYRAU, 480, 3, True),
    ("Гордиенко Анна Викторовна", 3, "юрист", R.NORTH_KAZAKHSTAN, 530, 3, True),
    ("Жанузаков Бахытжан Серикович", 6, "правозащитник", R.KYZYLORDA, 660, 3, True),
    ("Исмагулова Роза Айтбаевна", 6, "социальный работник", R.MANGYSTAU, 410, 3, True),
    ("Кенжебаев Олжас Муратович", 3, "юрист", R.AKMOLA, 590, 3, True),
    ("Рахимова Зарина Тимуровна", 7, "врач-психиатр", R.ALMATY_CITY, 340, 3, True),
    ("Токтаров Даурен Жанатович", 1, "юрист", R.ZHETISU, 750, 3, True),
    ("Мельник Светлана Петровна", 4, "психолог", R.KARAGANDA, 870, 3, True),
    ("Абдуллина Камила Ринатовна", 5, "врач-терапевт", R.SHYMKENT, 440, 3, True),
    ("Сарсенбаев Нурбол Ерланович", 6, "правозащитник", R.ULYTAU, 520, 3, True),
    ("Есимова Айнур Болатовна", 2, "педагог-психолог", R.PAVLODAR, 290, 3, True),
    ("Лебедев Андрей Юрьевич", 0, "юрист", None, 800, 3, True),
    ("Омарова Динара Сабитовна", 7, "врач-психиатр", R.ASTANA, 620, 3, True),
    ("Байсеитов Ерболат Кайратович", 3, "юрист", R.TURKISTAN, 700, 3, True),
    ("Фёдорова Наталья Ивановна", 4, "социальный работник", R.EAST_KAZAKHSTAN, 470, 3, True),
    # Expired during the year: on visits only until then.
    ("Мамырова Куляш Абаевна", 1, "юрист", R.KARAGANDA, 1250, 3, True),
    ("Сергеев Павел Олегович", 6, "правозащитник", R.ALMATY, 1180, 3, True),
    ("Тасболатова Айжан Нуржановна", 7, "врач-терапевт", None, 1300, 3, True),
    # Signed in the last months: on visits only since then.
    ("Жаксылыков Арман Бекович", 2, "психолог", R.ALMATY_CITY, 75, 3, True),
    ("Нуртазина Мадина Ерболовна", 5, "юрист", R.AKTOBE, 140, 3, True),
    ("Пак Елена Владимировна", 3, "врач-психиатр", None, 40, 3, True),
    # Not yet eligible, and one who left the NPM: never on a visit.
    ("Утегенов Бауыржан Маратович", 6, "правозащитник", R.KOSTANAY, None, 3, True),
    ("Дюсенова Гульнар Кенесовна", 0, "юрист", R.PAVLODAR, 900, 3, False),
)
