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
    F.SOCIAL_WELFARE: "mt", F.CHILDRENS_INSTITUTION: "mp", F.MILITARY_GUARDHOUSE: "mo",
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
    (HISTORY_DAYS + 1, {"investigation": 1, "follow_up": 2, "not_admissible": 4,
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
