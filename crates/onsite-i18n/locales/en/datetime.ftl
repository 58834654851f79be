# Dates and times as people read them (crates/onsite-i18n/src/datetime.rs). Every argument is
# already a string or a number; the patterns only decide the order and the punctuation.

datetime-weekday-1 = Monday
datetime-weekday-2 = Tuesday
datetime-weekday-3 = Wednesday
datetime-weekday-4 = Thursday
datetime-weekday-5 = Friday
datetime-weekday-6 = Saturday
datetime-weekday-7 = Sunday

datetime-month-1 = January
datetime-month-2 = February
datetime-month-3 = March
datetime-month-4 = April
datetime-month-5 = May
datetime-month-6 = June
datetime-month-7 = July
datetime-month-8 = August
datetime-month-9 = September
datetime-month-10 = October
datetime-month-11 = November
datetime-month-12 = December

# "Monday, March 9, 2026"
datetime-date = { $weekday }, { $month } { $day }, { $year }
# "March 9" (without weekday and year)
datetime-day-month = { $month } { $day }
# "10:30 AM": $hour24 (0–23), $hour12 (1–12), $minute (two digits), $period (AM or PM)
datetime-time = { $hour12 }:{ $minute } { $period }
datetime-am = AM
datetime-pm = PM
# "Monday, March 9, 2026, 10:30 AM"
datetime-date-time = { $date }, { $time }
# "10:30 AM – 11:30 AM"
datetime-time-range = { $start } – { $end }
# A time shown with its UTC offset, where the same wall-clock time happens twice (DST ends).
datetime-with-offset = { $time } (UTC{ $offset })
