"""The fixed material of the demo office: names, facilities, authorities, categories, texts."""

from __future__ import annotations

from casework.cases.models import Channel
from casework.reference.models import AuthorityType, CctvCoverage, FacilityType
from casework.reference.regions import Region

R, F = Region, FacilityType

# (code, English, Russian, Kazakh): the categories of DESIGN.md §2 (Case).
CATEGORIES = (
    ("torture", "Torture", "Пытки", "Азаптау"),
    ("cruel_treatment", "Cruel or degrading treatment", "Жестокое или унижающее обращение",
     "Қатыгез немесе ар-намысты қорлайтын қарым-қатынас"),
    ("detention_conditions", "Conditions of detention", "Условия содержания", "Ұстау жағдайлары"),
    ("medical_care", "Medical care", "Медицинская помощь", "Медициналық көмек"),
    ("lawyer_access", "Access to a lawyer", "Доступ к адвокату", "Адвокатқа қол жеткізу"),
    ("family_contact", "Contact with family", "Связь с семьёй", "Отбасымен байланыс"),
    ("parole", "Parole", "Условно-досрочное освобождение", "Шартты түрде мерзімінен бұрын босату"),
    ("cctv", "CCTV and surveillance", "Видеонаблюдение", "Бейнебақылау"),
    ("reprisals", "Reprisals", "Преследование за обращение", "Шағым үшін қудалау"),
    ("death_in_custody", "Death in custody", "Смерть под стражей", "Күзетпен ұстау кезіндегі өлім"),
    ("other", "Other", "Другое", "Басқа"),
)

MINISTRIES = (
    # (key, name, type, parent key)
    ("mvd", "Министерство внутренних дел Республики Казахстан", AuthorityType.MINISTRY, None),
    ("kuis", "Комитет уголовно-исполнительной системы МВД Республики Казахстан",
     AuthorityType.COMMITTEE, "mvd"),
    ("gp", "Генеральная прокуратура Республики Казахстан", AuthorityType.PROSECUTOR, None),
    ("mz", "Министерство здравоохранения Республики Казахстан", AuthorityType.MINISTRY, None),
    ("mt", "Министерство труда и социальной защиты населения Республики Казахстан",
     AuthorityType.MINISTRY, None),
    ("mo", "Министерство обороны Республики Казахстан", AuthorityType.MINISTRY, None),
    ("mp", "Министерство просвещения Республики Казахстан", AuthorityType.MINISTRY, None),
    ("vs", "Верховный суд Республики Казахстан", AuthorityType.COURT, None),
)

# Regional bodies, created for the regions that have facilities in the demo.
REGIONAL_BODIES = (
    ("duis", "Департамент УИС по {region}", AuthorityType.COMMITTEE, "kuis"),
    ("dp", "Департамент полиции {region}", AuthorityType.POLICE, "mvd"),
    ("prok", "Прокуратура {region}", AuthorityType.PROSECUTOR, "gp"),
    ("court", "Специализированный межрайонный суд по уголовным делам {region}",
     AuthorityType.COURT, "vs"),
    ("akimat", "Управление здравоохранения {region}", AuthorityType.LOCAL_GOVERNMENT, "mz"),
    # The akimat's department that runs the social-care centres (КГУ) of its region.
    ("social", "Управление координации занятости и социальных программ {region}",
     AuthorityType.LOCAL_GOVERNMENT, "mt"),
)

# Genitive forms for the names of regional bodies ("Департамент полиции Карагандинской области").
REGION_GENITIVE = {
    R.ASTANA: "г. Астаны", R.ALMATY_CITY: "г. Алматы", R.SHYMKENT: "г. Шымкента",
    R.ABAI: "области Абай", R.AKMOLA: "Акмолинской области", R.AKTOBE: "Актюбинской области",
    R.ALMATY: "Алматинской области", R.ATYRAU: "Атырауской области",
    R.EAST_KAZAKHSTAN: "Восточно-Казахстанской области", R.ZHAMBYL: "Жамбылской области",
    R.ZHETISU: "области Жетісу", R.WEST_KAZAKHSTAN: "Западно-Казахстанской области",
    R.KARAGANDA: "Карагандинской области", R.KOSTANAY: "Костанайской области",
    R.KYZYLORDA: "Кызылординской области", R.MANGYSTAU: "Мангистауской области",
    R.PAVLODAR: "Павлодарской области", R.NORTH_KAZAKHSTAN: "Северо-Казахстанской области",
    R.TURKISTAN: "Туркестанской области", R.ULYTAU: "области Ұлытау",
}

# Which body operates each kind of facility (a key of MINISTRIES or REGIONAL_BODIES).
OPERATOR = {
    F.PENAL_COLONY: "duis", F.PRETRIAL_DETENTION: "duis", F.TEMPORARY_HOLDING: "dp",
    F.SPECIAL_RECEPTION: "dp", F.MIGRANT_DETENTION: "dp", F.PSYCHIATRIC_HOSPITAL: "akimat",
    F.SOCIAL_WELFARE: "social", F.CHILDRENS_INSTITUTION: "mp", F.MILITARY_GUARDHOUSE: "mo",
}

# (name, type, region, capacity, CCTV)
FACILITIES = (
    ("Учреждение ЕЦ-166/11", F.PENAL_COLONY, R.KARAGANDA, 1200, CctvCoverage.PARTIAL),
    ("Учреждение АК-159/12", F.PENAL_COLONY, R.KARAGANDA, 900, CctvCoverage.FULL),
    ("Учреждение АК-159/21", F.PENAL_COLONY, R.KARAGANDA, 700, CctvCoverage.PARTIAL),
    ("Учреждение ЕЦ-166/27", F.PENAL_COLONY, R.ULYTAU, 800, CctvCoverage.NONE),
    ("Учреждение ЛА-155/14", F.PENAL_COLONY, R.ALMATY, 1000, CctvCoverage.PARTIAL),
    ("Учреждение ЛА-155/18", F.PENAL_COLONY, R.ALMATY, 650, CctvCoverage.FULL),
    ("Учреждение АП-162/3", F.PENAL_COLONY, R.PAVLODAR, 1100, CctvCoverage.PARTIAL),
    ("Учреждение ЕС-164/4", F.PENAL_COLONY, R.SHYMKENT, 1300, CctvCoverage.PARTIAL),
    ("Учреждение УК-161/2", F.PENAL_COLONY, R.EAST_KAZAKHSTAN, 950, CctvCoverage.UNKNOWN),
    ("Учреждение ОВ-156/13", F.PENAL_COLONY, R.WEST_KAZAKHSTAN, 600, CctvCoverage.PARTIAL),
    ("Учреждение ЗК-169/4", F.PENAL_COLONY, R.KOSTANAY, 850, CctvCoverage.FULL),
    ("Учреждение АК-170/3", F.PENAL_COLONY, R.AKMOLA, 700, CctvCoverage.PARTIAL),
    ("СИЗО-1 г. Астана", F.PRETRIAL_DETENTION, R.ASTANA, 800, CctvCoverage.FULL),
    ("СИЗО-1 г. Алматы", F.PRETRIAL_DETENTION, R.ALMATY_CITY, 1500, CctvCoverage.PARTIAL),
    ("СИЗО-16 г. Караганды", F.PRETRIAL_DETENTION, R.KARAGANDA, 700, CctvCoverage.PARTIAL),
    ("СИЗО-2 г. Шымкента", F.PRETRIAL_DETENTION, R.SHYMKENT, 900, CctvCoverage.PARTIAL),
    ("СИЗО-9 г. Актобе", F.PRETRIAL_DETENTION, R.AKTOBE, 500, CctvCoverage.FULL),
    ("СИЗО-3 г. Атырау", F.PRETRIAL_DETENTION, R.ATYRAU, 400, CctvCoverage.UNKNOWN),
    ("ИВС ДП г. Астаны", F.TEMPORARY_HOLDING, R.ASTANA, 60, CctvCoverage.FULL),
    ("ИВС ДП г. Алматы", F.TEMPORARY_HOLDING, R.ALMATY_CITY, 80, CctvCoverage.PARTIAL),
    ("ИВС ДП г. Караганды", F.TEMPORARY_HOLDING, R.KARAGANDA, 40, CctvCoverage.PARTIAL),
    ("ИВС Кызылординского ГОП", F.TEMPORARY_HOLDING, R.KYZYLORDA, 30, CctvCoverage.NONE),
    ("ИВС Жанаозенского ГОП", F.TEMPORARY_HOLDING, R.MANGYSTAU, 25, CctvCoverage.PARTIAL),
    ("ИВС УП г. Семей", F.TEMPORARY_HOLDING, R.ABAI, 35, CctvCoverage.UNKNOWN),
    ("Спецприёмник ДП г. Алматы", F.SPECIAL_RECEPTION, R.ALMATY_CITY, 50, CctvCoverage.FULL),
    ("Спецприёмник ДП Жамбылской области", F.SPECIAL_RECEPTION, R.ZHAMBYL, 30,
     CctvCoverage.PARTIAL),
    ("Областная психиатрическая больница, г. Караганда", F.PSYCHIATRIC_HOSPITAL, R.KARAGANDA,
     450, CctvCoverage.PARTIAL),
    ("Республиканская психиатрическая больница специализированного типа с интенсивным "
     "наблюдением, пос. Актас", F.PSYCHIATRIC_HOSPITAL, R.ALMATY, 300, CctvCoverage.PARTIAL),
    ("Областная психиатрическая больница, г. Петропавловск", F.PSYCHIATRIC_HOSPITAL,
     R.NORTH_KAZAKHSTAN, 250, CctvCoverage.NONE),
    ("КГУ Центр оказания специальных социальных услуг № 1, г. Астана", F.SOCIAL_WELFARE,
     R.ASTANA, 220, CctvCoverage.PARTIAL),
    ("КГУ Центр оказания специальных социальных услуг, г. Талдыкорган", F.SOCIAL_WELFARE,
     R.ZHETISU, 180, CctvCoverage.UNKNOWN),
    ("Медико-социальное учреждение для престарелых и лиц с инвалидностью, г. Костанай",
     F.SOCIAL_WELFARE, R.KOSTANAY, 200, CctvCoverage.PARTIAL),
    ("Психоневрологический дом-интернат, г. Туркестан", F.SOCIAL_WELFARE, R.TURKISTAN, 260,
     CctvCoverage.NONE),
    ("Детский дом № 2, г. Шымкент", F.CHILDRENS_INSTITUTION, R.SHYMKENT, 90, CctvCoverage.FULL),
    ("Центр поддержки детей, находящихся в трудной жизненной ситуации, г. Павлодар",
     F.CHILDRENS_INSTITUTION, R.PAVLODAR, 70, CctvCoverage.PARTIAL),
    ("Специальная организация образования с особым режимом содержания, г. Актобе",
     F.CHILDRENS_INSTITUTION, R.AKTOBE, 60, CctvCoverage.PARTIAL),
    ("Гарнизонная гауптвахта, г. Астана", F.MILITARY_GUARDHOUSE, R.ASTANA, 40,
     CctvCoverage.PARTIAL),
    ("Гауптвахта воинской части 5571, г. Уральск", F.MILITARY_GUARDHOUSE, R.WEST_KAZAKHSTAN,
     25, CctvCoverage.UNKNOWN),
    ("Центр временного размещения иностранцев, г. Алматы", F.MIGRANT_DETENTION,
     R.ALMATY_CITY, 120, CctvCoverage.PARTIAL),
    ("Центр временного размещения иностранцев, г. Шымкент", F.MIGRANT_DETENTION, R.SHYMKENT,
     80, CctvCoverage.NONE),
)

MALE_FIRST = (
    "Ерлан", "Нурлан", "Данияр", "Асхат", "Бауыржан", "Ержан", "Тимур", "Арман", "Серик",
    "Алмас", "Руслан", "Мирас", "Айдос", "Дмитрий", "Сергей", "Алексей", "Игорь", "Виктор",
    "Андрей", "Олег", "Рустам", "Санжар", "Дастан", "Бекзат", "Максим",
)
FEMALE_FIRST = (
    "Айгерим", "Асель", "Динара", "Гульнара", "Жанар", "Салтанат", "Мадина", "Алия", "Сауле",
    "Камила", "Ольга", "Татьяна", "Елена", "Наталья", "Ирина", "Светлана", "Анара", "Жанна",
)
# (male form, female form)
SURNAMES = (
    ("Ахметов", "Ахметова"), ("Жумабеков", "Жумабекова"), ("Сапаров", "Сапарова"),
    ("Нурланов", "Нурланова"), ("Исмаилов", "Исмаилова"), ("Касымов", "Касымова"),
    ("Омаров", "Омарова"), ("Абдрахманов", "Абдрахманова"), ("Есенов", "Есенова"),
    ("Тулегенов", "Тулегенова"), ("Серикбаев", "Серикбаева"), ("Муканов", "Муканова"),
    ("Байжанов", "Байжанова"), ("Иванов", "Иванова"), ("Петренко", "Петренко"),
    ("Ким", "Ким"), ("Шевченко", "Шевченко"), ("Смагулов", "Смагулова"),
    ("Кузнецов", "Кузнецова"), ("Оспанов", "Оспанова"), ("Бекмухамбетов", "Бекмухамбетова"),
    ("Калиев", "Калиева"), ("Попов", "Попова"), ("Тасмагамбетов", "Тасмагамбетова"),
)
PATRONYMIC_ROOTS = (
    "Серик", "Нурлан", "Ерлан", "Болат", "Марат", "Кайрат", "Владимир", "Александр", "Бауыржан",
    "Ержан", "Сергей", "Мурат",
)

# Short summaries per category; the facility has its own column.
SUMMARIES = {
    "torture": ("Применение физической силы и спецсредств при водворении в ШИЗО",
                "Избиение при задержании и в ИВС, требование признательных показаний"),
    "cruel_treatment": ("Унижающее обращение при обысках",
                        "Длительное содержание в одиночной камере без прогулок"),
    "detention_conditions": ("Переполненность камер и отсутствие вентиляции",
                             "Нет горячей воды и отопления в отряде"),
    "medical_care": ("Отказ в медицинской помощи при хроническом заболевании",
                     "Несвоевременная госпитализация осуждённого"),
    "lawyer_access": ("Адвоката не допускают к подзащитному",
                      "Свидания с защитником проводятся в присутствии сотрудников"),
    "family_contact": ("Отказ в длительных свиданиях с семьёй",
                       "Письма родственникам не отправляются"),
    "parole": ("Необоснованный отказ администрации в представлении на УДО",
               "Взыскания наложены накануне рассмотрения ходатайства об УДО"),
    "cctv": ("Камеры видеонаблюдения не работают в помещениях для обысков",
             "Записи видеонаблюдения за дату инцидента не сохранены"),
    "reprisals": ("Давление на осуждённого после беседы с участниками НПМ",
                  "Перевод в другой отряд после подачи жалобы"),
    "death_in_custody": ("Смерть осуждённого, родственники не согласны с версией администрации",
                         "Суицид в камере, родственники просят проверки"),
    "other": ("Вопрос о переводе для отбывания наказания ближе к месту жительства",
              "Просьба разъяснить порядок обжалования взыскания"),
}

NOTES = (
    "Позвонил(а) заявителю, подтвердил(а) обстоятельства жалобы.",
    "Направлен запрос администрации учреждения, ответ ожидается.",
    "Получены копии медицинских документов, приобщены к делу.",
    "Согласовано с руководителем: требуется выезд в учреждение.",
    "Заявитель просит не раскрывать его данные администрации учреждения.",
    "Родственники сообщили о переводе в другое учреждение.",
    "Ответ прокуратуры получен: проверка назначена.",
    "Запрошены записи видеонаблюдения за дату инцидента.",
    "Проведена конфиденциальная беседа во время посещения НПМ.",
    "Подготовлен проект рекомендаций, передан на согласование.",
)

REASONS = {
    "declare_not_admissible": "Жалоба не относится к компетенции Уполномоченного.",
    "refer_out": "Направлено по компетенции, исх. письмо подготовлено.",
    "propose_recommendations": "Факты подтвердились в ходе проверки.",
    "close_no_violation": "Доводы жалобы не подтвердились.",
    "start_follow_up": "Рекомендации направлены адресату.",
    "close": "Получен ответ об исполнении рекомендаций.",
    "reopen": "Поступили новые сведения от заявителя.",
}

EXTENSION_GROUNDS = (
    "Необходимо истребовать дополнительные материалы из учреждения.",
    "Требуется заключение независимого медицинского специалиста.",
    "Запланирован выезд в учреждение в составе группы НПМ.",
)

HISTORY_DAYS = 425  # about 14 months

# Paths through the lifecycle, as transition actions from "registered".
TRIAGE = ("start_triage",)
INVESTIGATION = (*TRIAGE, "open_investigation")
RECOMMENDATION = (*INVESTIGATION, "propose_recommendations")
FOLLOW_UP = (*RECOMMENDATION, "start_follow_up")
PATHS: dict[str, tuple[str, ...]] = {
    "registered": (),
    "triage": TRIAGE,
    "investigation": INVESTIGATION,
    "recommendation": RECOMMENDATION,
    "follow_up": FOLLOW_UP,
    "not_admissible": (*TRIAGE, "declare_not_admissible"),
    "referred_out": (*TRIAGE, "refer_out"),
    "no_violation": (*INVESTIGATION, "close_no_violation"),
    "closed": (*FOLLOW_UP, "close"),
    "reopened": (*INVESTIGATION, "close_no_violation", "reopen"),
}
# Likelihood of each path by the case's age in days: old cases are mostly finished.
PATH_WEIGHTS: tuple[tuple[int, dict[str, int]], ...] = (
    (3, {"registered": 6, "triage": 3, "investigation": 1}),
    (20, {"registered": 1, "triage": 3, "investigation": 5, "not_admissible": 1,
          "referred_out": 1}),
    (90, {"triage": 1, "investigation": 3, "recommendation": 3, "follow_up": 3,
          "not_admissible": 2, "referred_out": 2, "no_violation": 2, "closed": 1}),
    # The oldest days drawn may move back a few days to the working day before them.
    (HISTORY_DAYS + 15, {"investigation": 1, "follow_up": 2, "not_admissible": 4,
                        "referred_out": 3, "no_violation": 5, "closed": 8, "reopened": 1}),
)
# Typical days from the previous step to this one (scaled down when the case is younger).
STEP_DELAYS = {
    "start_triage": (0, 2), "open_investigation": (1, 5), "declare_not_admissible": (1, 10),
    "refer_out": (1, 3), "propose_recommendations": (10, 35), "close_no_violation": (7, 20),
    "start_follow_up": (5, 20), "close": (20, 120), "reopen": (10, 60),
}
CHANNELS = {Channel.LETTER: 5, Channel.EMAIL: 3, Channel.HOTLINE: 3, Channel.ONLINE_FORM: 3,
            Channel.IN_PERSON: 2, Channel.NPM_VISIT: 2, Channel.MEDIA: 1}

# -- recommendations --------------------------------------------------------------------------

# Facility types a recommendation's wording fits ("" in a text below: any facility).
FACILITY_KINDS = {
    "penal": (F.PENAL_COLONY, F.PRETRIAL_DETENTION),
    "police": (F.TEMPORARY_HOLDING, F.SPECIAL_RECEPTION, F.MIGRANT_DETENTION),
    "care": (F.PSYCHIATRIC_HOSPITAL, F.SOCIAL_WELFARE, F.CHILDRENS_INSTITUTION),
}
# The national body above each kind of facility (a key of MINISTRIES).
NATIONAL_BODY = {
    F.PENAL_COLONY: "kuis", F.PRETRIAL_DETENTION: "kuis", F.TEMPORARY_HOLDING: "mvd",
    F.SPECIAL_RECEPTION: "mvd", F.MIGRANT_DETENTION: "mvd", F.PSYCHIATRIC_HOSPITAL: "mz",
    F.SOCIAL_WELFARE: "mt", F.CHILDRENS_INSTITUTION: "mp", F.MILITARY_GUARDHOUSE: "mo",
}
# Findings that usually come together: a case on torture also looks at the medical
# examination, the cameras and what happened to the complainant afterwards.
RELATED_FINDINGS = {
    "torture": ("medical_care", "cctv", "reprisals", "lawyer_access"),
    "cruel_treatment": ("detention_conditions", "cctv", "other"),
    "detention_conditions": ("medical_care", "family_contact", "other"),
    "medical_care": ("death_in_custody", "detention_conditions", "other"),
    "lawyer_access": ("family_contact", "reprisals", "other"),
    "family_contact": ("lawyer_access", "other", "parole"),
    "parole": ("reprisals", "other", "family_contact"),
    "cctv": ("torture", "cruel_treatment", "other"),
    "reprisals": ("cctv", "lawyer_access", "other"),
    "death_in_custody": ("medical_care", "cctv", "torture"),
    "other": ("detention_conditions", "family_contact", "lawyer_access"),
}
# (addressee level, scope, facility kind, text) per category. The level picks the addressee:
# the facility's administration, the body that runs it ("operator"), the region's prosecutor,
# the region's health department (akimat), or the national body.
RECOMMENDATION_TEXTS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "torture": (
        ("prosecutor", "individual", "", "Провести досудебное расследование по факту применения "
         "пыток к заявителю по ст. 146 УК РК, о результатах сообщить Уполномоченному."),
        ("prosecutor", "structural", "", "Поручать проверку заявлений о пытках органам "
         "прокуратуры, а не сотрудникам того же учреждения."),
        ("facility", "individual", "", "Обеспечить незамедлительный осмотр заявителя врачом с "
         "фиксацией телесных повреждений по Стамбульскому протоколу."),
        ("facility", "structural", "", "Вести журнал регистрации телесных повреждений и "
         "сообщать о каждом случае в прокуратуру в течение 24 часов."),
        ("operator", "structural", "penal", "Отстранять от работы с осуждёнными сотрудников, в "
         "отношении которых начато досудебное расследование по ст. 146 УК РК."),
        ("national", "structural", "", "Закрепить обязательное медицинское освидетельствование "
         "каждого лица при поступлении в учреждение и при выбытии из него."),
        ("facility", "structural", "", "Азаптау туралы әрбір шағымды 24 сағат ішінде "
         "прокуратураға жіберу."),
        ("national", "structural", "", "Ensure that every allegation of torture is investigated "
         "by a body independent of the institution concerned, in line with the Istanbul "
         "Protocol."),
    ),
    "cruel_treatment": (
        ("facility", "structural", "", "Прекратить практику полного личного обыска с "
         "раздеванием без индивидуальной оценки риска."),
        ("facility", "structural", "penal", "Обеспечить лицам, содержащимся в ШИЗО, ежедневную "
         "прогулку не менее одного часа."),
        ("facility", "individual", "penal", "Прекратить содержание заявителя в одиночной камере "
         "сверх срока, установленного постановлением."),
        ("facility", "structural", "care", "Исключить применение мер физического стеснения без "
         "назначения врача и записи в журнале."),
        ("operator", "structural", "", "Ограничить применение наручников при конвоировании "
         "случаями, обоснованными индивидуальной оценкой риска."),
        ("national", "structural", "penal", "Исключить из правил внутреннего распорядка "
         "требование стоять в камере в дневное время."),
        ("prosecutor", "individual", "penal", "Проверить законность водворения заявителя в "
         "ШИЗО и наложенных на него взысканий."),
        ("facility", "structural", "", "Тінту кезінде адамның қадір-қасиетін қорлайтын "
         "әрекеттерге жол бермеу."),
    ),
    "detention_conditions": (
        ("facility", "structural", "", "Привести жилые помещения в соответствие с нормой "
         "площади 4 кв. м на одного человека."),
        ("facility", "structural", "", "Восстановить приточно-вытяжную вентиляцию в камерах "
         "корпуса № 2."),
        ("facility", "structural", "", "Обеспечить горячее водоснабжение и отопление жилых "
         "помещений в осенне-зимний период."),
        ("facility", "structural", "", "Оборудовать санитарные узлы в камерах перегородками, "
         "обеспечивающими приватность."),
        ("facility", "structural", "police", "Обеспечить доставленных в ИВС постельными "
         "принадлежностями и трёхразовым горячим питанием."),
        ("operator", "structural", "", "Включить капитальный ремонт жилых помещений учреждения "
         "в план работ на следующий год."),
        ("national", "structural", "", "Предусмотреть в бюджете средства на замену изношенных "
         "систем отопления и вентиляции в учреждениях."),
        ("facility", "structural", "", "Камераларда табиғи жарық пен желдетуді қамтамасыз ету."),
        ("facility", "structural", "", "Provide natural light and fresh air in all cells of the "
         "disciplinary unit."),
    ),
    "medical_care": (
        ("facility", "structural", "", "Обеспечить осмотр вновь прибывших врачом в течение "
         "24 часов с записью в медицинской карте."),
        ("facility", "individual", "", "Обеспечить заявителю консультацию кардиолога и "
         "назначенное лечение."),
        ("health", "individual", "", "Рассмотреть вопрос о госпитализации заявителя в "
         "профильную организацию здравоохранения."),
        ("health", "structural", "", "Укомплектовать медицинскую часть учреждения штатным "
         "врачом-психиатром."),
        ("operator", "structural", "", "Проводить медицинские осмотры вне слышимости и "
         "видимости сотрудников охраны."),
        ("national", "structural", "penal", "Передать медицинское обслуживание в учреждениях "
         "УИС в ведение органов здравоохранения в полном объёме."),
        ("health", "structural", "", "Ensure an uninterrupted supply of tuberculosis and HIV "
         "medication to the medical unit."),
    ),
    "lawyer_access": (
        ("facility", "structural", "", "Обеспечить конфиденциальность свиданий с адвокатом, "
         "исключив присутствие сотрудников."),
        ("facility", "structural", "", "Оборудовать отдельное помещение для встреч с "
         "защитниками."),
        ("facility", "individual", "", "Обеспечить допуск защитника к заявителю без "
         "ограничения числа и продолжительности свиданий."),
        ("operator", "structural", "", "Сообщать адвокату о переводе подзащитного в другое "
         "учреждение в течение суток."),
        ("prosecutor", "individual", "", "Проверить обоснованность отказов в допуске адвоката "
         "к заявителю."),
        ("facility", "structural", "", "Адвокатпен кездесулердің құпиялылығын қамтамасыз ету."),
    ),
    "family_contact": (
        ("facility", "structural", "penal", "Предоставлять длительные свидания в сроки, "
         "установленные Уголовно-исполнительным кодексом."),
        ("facility", "structural", "", "Отправлять письма содержащихся лиц в течение трёх "
         "рабочих дней и вести журнал их регистрации."),
        ("facility", "structural", "", "Установить таксофоны и обеспечить доступ к "
         "видеозвонкам с родственниками."),
        ("facility", "individual", "penal", "Рассмотреть заявление заявителя о длительном "
         "свидании с супругой."),
        ("operator", "structural", "penal", "Учитывать место жительства семьи при "
         "распределении осуждённых по учреждениям."),
        ("facility", "structural", "", "Allow video calls with families at least once a week "
         "for every resident."),
    ),
    "parole": (
        ("facility", "structural", "penal", "Пересмотреть практику наложения взысканий накануне "
         "рассмотрения ходатайств об УДО."),
        ("facility", "structural", "penal", "Разъяснять осуждённым порядок и сроки подачи "
         "ходатайств об условно-досрочном освобождении."),
        ("facility", "individual", "penal", "Повторно рассмотреть вопрос о представлении "
         "заявителя к условно-досрочному освобождению."),
        ("prosecutor", "individual", "", "Проверить законность взысканий, наложенных на "
         "заявителя перед рассмотрением ходатайства об УДО."),
        ("national", "structural", "", "Установить единые критерии оценки поведения осуждённых "
         "при представлении к условно-досрочному освобождению."),
    ),
    "cctv": (
        ("facility", "structural", "police", "Обеспечить видеонаблюдение в комнатах для "
         "допросов ИВС и хранение записей не менее 30 суток."),
        ("facility", "structural", "", "Установить камеры видеонаблюдения в помещениях для "
         "обысков и досмотров, исключив «слепые зоны»."),
        ("facility", "structural", "", "Обеспечить сохранность записей носимых "
         "видеорегистраторов сотрудников не менее 30 суток."),
        ("operator", "structural", "", "Предоставлять Уполномоченному и участникам НПМ записи "
         "видеонаблюдения по первому запросу."),
        ("national", "structural", "", "Утвердить требование о хранении записей "
         "видеонаблюдения не менее 30 суток во всех местах лишения свободы."),
        ("facility", "structural", "police", "Тергеу бөлмелерінде бейнебақылауды қамтамасыз ету "
         "және жазбаларды кемінде 30 тәулік сақтау."),
    ),
    "reprisals": (
        ("facility", "structural", "", "Обеспечить конфиденциальность жалоб, направляемых в "
         "государственные органы и Уполномоченному."),
        ("operator", "individual", "", "Провести служебную проверку по фактам давления на "
         "заявителя после беседы с участниками НПМ."),
        ("prosecutor", "individual", "", "Проверить законность перевода заявителя в другое "
         "помещение после подачи жалобы."),
        ("facility", "structural", "", "Установить запираемые ящики для жалоб, доступ к "
         "которым имеет только прокурор."),
        ("operator", "structural", "", "Issue a written instruction that no one may be punished "
         "for speaking to members of the NPM."),
    ),
    "death_in_custody": (
        ("prosecutor", "individual", "", "Провести независимое расследование обстоятельств "
         "смерти с участием родственников умершего."),
        ("health", "structural", "", "Обеспечить независимое судебно-медицинское исследование "
         "в каждом случае смерти под стражей."),
        ("facility", "structural", "", "Незамедлительно уведомлять родственников и "
         "Уполномоченного о каждом случае смерти."),
        ("facility", "structural", "", "Организовать круглосуточное дежурство медицинского "
         "работника и обучить сотрудников оказанию первой помощи."),
        ("national", "structural", "", "Утвердить порядок анализа каждого случая смерти под "
         "стражей с публикацией обобщённых результатов."),
        ("operator", "structural", "", "Проводить оценку суицидального риска при поступлении "
         "и при помещении в одиночную камеру."),
    ),
    "other": (
        ("facility", "structural", "", "Разместить в доступных местах информацию о праве на "
         "обращение к Уполномоченному по правам человека."),
        ("operator", "structural", "", "Организовать обучение сотрудников по вопросам "
         "предупреждения пыток (Стамбульский протокол)."),
        ("facility", "individual", "penal", "Рассмотреть заявление заявителя о переводе для "
         "отбывания наказания ближе к месту жительства."),
        ("national", "structural", "", "Выдавать каждому поступившему правила внутреннего "
         "распорядка на казахском и русском языках."),
        ("facility", "structural", "", "Уәкілге жүгіну құқығы туралы ақпаратты қолжетімді "
         "жерлерге орналастыру."),
    ),
}
# What authorities answer, by their position.
REPLY_SUMMARIES = {
    "accepted": (
        "Рекомендация принята. Утверждён план мероприятий, работы будут завершены до конца "
        "квартала.",
        "Приняты меры: издан приказ, назначены ответственные, сотрудники проинструктированы.",
        "Рекомендация принята к исполнению, средства предусмотрены в плане финансирования.",
        "Ұсыным қабылданды, іс-шаралар жоспары бекітілді.",
    ),
    "partially_accepted": (
        "Принята частично: ремонт запланирован на следующий год при выделении финансирования.",
        "Принята в части обучения сотрудников; кадровые вопросы вне компетенции учреждения.",
        "Частично согласны: меры будут приняты в одном корпусе, в остальных после ремонта.",
    ),
    "rejected": (
        "Адресат считает рекомендацию необоснованной: служебная проверка нарушений не выявила.",
        "Отказ: нет финансирования, вопрос будет рассмотрен при формировании бюджета.",
        "Не согласны: действующие правила внутреннего распорядка этого не предусматривают.",
    ),
}
# The office's evidence, by the verified result.
EVIDENCE = {
    "in_progress": (
        "Работы начаты: заключён договор подряда, срок окончания по договору через два месяца.",
        "Представлен план мероприятий; исполнение продолжается.",
    ),
    "partially_implemented": (
        "Работы выполнены в одном корпусе из трёх; по остальным обещан срок до конца года.",
        "Приказ издан, но опрошенные лица подтвердили, что на практике порядок прежний.",
    ),
    "implemented": (
        "Представлены копия приказа и фотографии выполненных работ; подтверждено на месте.",
        "При повторном посещении НПМ установлено, что рекомендация выполнена; опрошены "
        "содержащиеся лица.",
        "Изучены акт выполненных работ и журнал учёта; замечаний нет.",
    ),
    "not_implemented": (
        "При повторном посещении изменений не выявлено.",
        "Адресат не представил документов, подтверждающих исполнение, в течение двух месяцев.",
    ),
    "superseded": (
        "Учреждение закрыто на реконструкцию, содержащиеся переведены.",
        "Вопрос урегулирован изменением правил; рекомендация утратила актуальность.",
    ),
}
RECOMMENDATION_DEADLINE_REASONS = (
    "Адресат обосновал продление: работы включены в план капитального ремонта.",
    "Закупка оборудования идёт через конкурс; продлено по письму адресата.",
    "Служебная проверка адресата ещё не завершена; продлено по его запросу.",
)
WITHDRAW_REASONS = (
    "Учреждение закрыто, содержащиеся переведены в другие учреждения.",
    "Заменена новой рекомендацией по итогам повторного посещения.",
    "Направлена не тому адресату; подготовлена новая.",
)
DISCARD_REASONS = (
    "Объединено с другой рекомендацией по этому делу.",
    "Факты не подтвердились при дополнительной проверке.",
    "Вопрос решён до направления рекомендации.",
)
FOLLOW_UP_NOTES = (
    "Запросить у адресата копию акта выполненных работ.",
    "Проверить исполнение при повторном посещении НПМ.",
    "Позвонить ответственному сотруднику адресата, уточнить сроки.",
    "Запросить фотографии и документы, подтверждающие исполнение.",
)
# Why a supervisor closed a case while some of its recommendations were still open.
WHY_OPEN = (
    "Срок исполнения рекомендаций не истёк; контроль продолжается по реестру рекомендаций.",
    "Нарушение в отношении заявителя устранено; структурные рекомендации на контроле НПМ.",
    "Заявитель освобождён; исполнение рекомендаций отслеживается отдельно.",
)

# What consenting people agree to, by weight: the kinds of authority letters may name them to
# (AuthorityType values) and the consent's own words. Most let the prosecutor and the court
# know who they are, some anyone, some only the office itself.
A = AuthorityType
CONSENTS: tuple[tuple[int, tuple[str, ...], str], ...] = (
    (70, (A.PROSECUTOR, A.COURT), "Органам прокуратуры и суду"),
    (20, tuple(A), "Любым государственным органам"),
    (10, (), "Только сотрудникам аппарата Уполномоченного"),
)

# What authorities write back to the office's letters.
LETTER_REPLIES = (
    "Сообщаем, что по изложенным фактам проведена служебная проверка; материалы направлены "
    "в прокуратуру.",
    "Запрошенные сведения и копии документов прилагаются.",
    "Информация принята к сведению; о результатах проверки будет сообщено дополнительно.",
    "Доводы обращения не подтвердились; медицинское освидетельствование проведено, "
    "заключение прилагается.",
    "Хат бойынша тексеру жүргізілді, нәтижесі қоса беріледі.",
)
# Why a signed letter was replaced by a correction.
LETTER_CORRECTIONS = (
    "Уточнён адрес учреждения.",
    "Исправлена дата поступления обращения.",
    "Добавлено приложение: копия обращения.",
)
