# Dates et heures telles qu’on les lit (crates/onsite-i18n/src/datetime.rs). Chaque argument est
# déjà une chaîne ou un nombre ; les modèles ne décident que de l’ordre et de la ponctuation.

datetime-weekday-1 = lundi
datetime-weekday-2 = mardi
datetime-weekday-3 = mercredi
datetime-weekday-4 = jeudi
datetime-weekday-5 = vendredi
datetime-weekday-6 = samedi
datetime-weekday-7 = dimanche

datetime-month-1 = janvier
datetime-month-2 = février
datetime-month-3 = mars
datetime-month-4 = avril
datetime-month-5 = mai
datetime-month-6 = juin
datetime-month-7 = juillet
datetime-month-8 = août
datetime-month-9 = septembre
datetime-month-10 = octobre
datetime-month-11 = novembre
datetime-month-12 = décembre

# « lundi 9 mars 2026 », « dimanche 1er mars 2026 »
datetime-date = { $weekday } { $day ->
    [1] 1er
   *[other] { $day }
} { $month } { $year }
# « 9 mars »
datetime-day-month = { $day ->
    [1] 1er
   *[other] { $day }
} { $month }
# « 10 h 30 » : $hour24 (0–23), $hour12 (1–12), $minute (deux chiffres), $period (AM ou PM)
datetime-time = { $hour24 } h { $minute }
datetime-am = AM
datetime-pm = PM
# « lundi 9 mars 2026, 10 h 30 »
datetime-date-time = { $date }, { $time }
# « de 10 h 30 à 11 h 30 »
datetime-time-range = de { $start } à { $end }
# Une heure avec son décalage UTC, quand la même heure revient deux fois (fin de l’heure d’été).
datetime-with-offset = { $time } (UTC{ $offset })
