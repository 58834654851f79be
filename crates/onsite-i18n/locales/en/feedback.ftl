# Feedback on completed visits, the survey, the staff's responses and averages, and the portal
# settings page (issue 5).

feedback-send = Send Feedback
feedback-title = Send Feedback
feedback-intro = How did your visit go? { $service } with { $technician }, { $date }.
feedback-rating-label = Your overall rating
feedback-rating-hint = From 1 (poor) to 5 (excellent).
feedback-stars = { $stars } out of 5
feedback-comment-label = Comment
feedback-optional = optional
feedback-yes = Yes
feedback-no = No
feedback-submit = Send Feedback
feedback-thanks-title = Thank you for your feedback
feedback-thanks-rating = You rated this visit { $stars } out of 5.
feedback-back-home = Back to your appointments
feedback-notice-sent = Thank you: your feedback is sent.
feedback-your-rating = Your rating
feedback-fix-answers = Some answers need your attention.

feedback-error-not-found = This visit does not exist, or is not one of yours.
feedback-error-disabled = Feedback is not being collected at the moment.
feedback-error-not-completed = Only a completed visit can be rated.
feedback-error-already-sent = Feedback was already sent for this visit.
feedback-error-invalid = Some answers need your attention.
feedback-error-setting = This setting is outside its range.
feedback-error-tile-url = The map tile server must be an http(s) address containing { "{z}" }, { "{x}" } and { "{y}" }, or empty.
feedback-error-question-not-found = This question does not exist.
invalid-rating-range = Choose a rating from 1 to 5.
invalid-yes-no = Answer yes or no.
invalid-month = This is not a month (YYYY-MM).

# Staff: responses and averages.
feedback-nav-staff = Feedback
feedback-staff-title = Customer feedback
feedback-staff-intro = What customers said about their completed visits, and the average rating per technician, service type and month.
feedback-filter-technician = Technician
feedback-filter-service-type = Service type
feedback-filter-month = Month (YYYY-MM)
feedback-filter-all = All
feedback-filter-apply = Filter
feedback-averages = Average ratings
feedback-by-technician = Per technician
feedback-by-service-type = Per service type
feedback-by-month = Per month
feedback-col-name = Name
feedback-col-month = Month
feedback-col-responses = Responses
feedback-col-average = Average
feedback-questions-heading = Survey questions
feedback-question-average = average { $average } out of 5 ({ $count } answers)
feedback-question-yes = { $yes } of { $count } answered yes
feedback-question-texts = { $count } answers
feedback-responses-heading = Responses, newest first
feedback-none = No feedback yet.
feedback-newer = ← Newer responses
feedback-older = Older responses →
feedback-col-visit = Visit
feedback-col-customer = Customer
feedback-col-technician = Technician
feedback-col-rating = Rating
feedback-col-comment = Comment
feedback-col-answers = Answers
feedback-col-sent = Sent
feedback-retired-mark = (retired)

# Administrators: the survey.
feedback-survey-nav = Survey
feedback-survey-title = Feedback survey
feedback-survey-intro = The questions customers answer with their rating when they send feedback on a completed visit. A retired question is no longer asked; the answers already given to it are kept.
feedback-survey-questions = Questions asked
feedback-survey-empty = No questions: customers give a rating and an optional comment.
feedback-survey-retired = Retired questions
feedback-survey-add = Add a question
feedback-survey-kind = Kind of answer
feedback-kind-rating = Rating from 1 to 5
feedback-kind-yes_no = Yes or no
feedback-kind-text = Text
feedback-survey-label-en = Question in English
feedback-survey-label-fr = Question in French (optional: the English one is shown instead)
feedback-survey-required = An answer is required
feedback-survey-save = Save
feedback-survey-up = Move up
feedback-survey-down = Move down
feedback-survey-retire = Retire
feedback-survey-restore = Ask again
feedback-survey-notice-saved = The survey is saved.
feedback-required-mark = required

# Administrators: the portal settings.
feedback-portal-nav = Portal settings
feedback-portal-title = Portal settings
feedback-portal-intro = Live tracking of technicians on their way, and feedback surveys after completed visits.
feedback-portal-tracking = Track my technician
feedback-portal-surveys = Feedback
feedback-setting-tracking-enabled = Live tracking: customers see View Live Map while their technician is on the way
feedback-setting-tile-url = Map tile server address
feedback-setting-tile-url-hint = An http(s) address with { "{z}" }, { "{x}" } and { "{y}" }; empty for no map tiles (the markers and the arrival time still show).
feedback-setting-retention = Days technicians' positions are kept
feedback-setting-surveys = Surveys: customers see Send Feedback on completed visits
feedback-portal-save = Save the settings
feedback-portal-notice-saved = The portal settings are saved.

feedback-chart-title = Average rating by month (out of 5)
feedback-chart-value = { $average } ({ $count ->
    [one] 1 response
   *[other] { $count } responses
})
