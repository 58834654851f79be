# The marks of numbers (onsite_i18n::number).
number-decimal-mark = .
number-group-mark = ,
