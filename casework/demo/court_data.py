"""The fixed material of the demo's court proceedings: what parole cases say, what hearings
and decisions record."""

from __future__ import annotations

from casework.courts.models import Decision, ProceedingKind

PAROLE_SUMMARIES = (
    "Осуждённый отбыл две трети срока, администрация не направляет ходатайство об УДО в суд",
    "Просьба оказать правовую помощь при рассмотрении ходатайства об УДО",
    "Суд отказал в УДО из-за непогашенного гражданского иска",
    "Отрицательная характеристика к ходатайству об УДО после жалобы на условия",
    "Необоснованный отказ администрации в представлении на УДО",
    "Взыскания наложены накануне рассмотрения ходатайства об УДО",
)
PAROLE_REQUEST = "Заявитель просит оказать содействие при рассмотрении ходатайства в суде."

# The categories of a complaint that a court may hear, and the kind of proceeding.
OTHER_KINDS = {
    "other": ProceedingKind.TRANSFER, "family_contact": ProceedingKind.TRANSFER,
    "cruel_treatment": ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION,
    "reprisals": ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION,
    "detention_conditions": ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION,
    "medical_care": ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION,
}
# Final decisions of the other kinds (parole has its own rate: courts.GRANT_RATE).
OTHER_DECISIONS = {
    ProceedingKind.TRANSFER: {Decision.GRANTED: 40, Decision.REFUSED: 60},
    ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION: {Decision.GRANTED: 35,
                                                      Decision.REFUSED: 65},
}

ADJOURNED = (
    "Заслушаны осуждённый (по видеосвязи), представитель учреждения и прокурор; рассмотрение "
    "отложено для истребования документов.",
    "Заседание отложено: не явился представитель администрации учреждения.",
    "Исследованы материалы личного дела; объявлен перерыв до следующего заседания.",
    "Отложено по ходатайству защитника для представления характеристики с места работы.",
)
SUMMARIES = {
    (ProceedingKind.PAROLE, Decision.GRANTED): (
        "Ходатайство удовлетворено: условно-досрочное освобождение на неотбытый срок {n} мес.",
        "Ходатайство удовлетворено; на освобождённого возложены обязанности на время "
        "неотбытого срока.",
    ),
    (ProceedingKind.PAROLE, Decision.REFUSED): (
        "Отказано: суд счёл, что исправление не доказано (действующие взыскания).",
        "Отказано в связи с непогашенным гражданским иском.",
        "Отказано: отрицательная характеристика администрации учреждения.",
    ),
    (ProceedingKind.TRANSFER, Decision.GRANTED): (
        "Осуждённый переведён в учреждение минимальной безопасности.",
        "Ходатайство о переводе ближе к месту жительства семьи удовлетворено.",
    ),
    (ProceedingKind.TRANSFER, Decision.REFUSED): (
        "В переводе отказано: не отбыт необходимый срок.",
    ),
    (ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION, Decision.GRANTED): (
        "Жалоба удовлетворена: взыскание признано незаконным и отменено.",
        "Жалоба удовлетворена: действия администрации признаны незаконными.",
    ),
    (ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION, Decision.REFUSED): (
        "В удовлетворении жалобы отказано.",
    ),
}
POSTPONED = (
    "Рассмотрение отложено: истребованы характеристика и справка о поощрениях.",
    "Отложено до получения заключения медицинской комиссии.",
)
DECIDED = "Оглашено постановление: {decision}."
DECISION_WORDS = {Decision.GRANTED: "удовлетворено", Decision.REFUSED: "отказано",
                  Decision.POSTPONED: "рассмотрение отложено"}
# The time of day a hearing is set for (Almaty).
HEARING_TIMES = ((10, 0), (11, 30), (14, 30), (15, 0), (16, 0))
