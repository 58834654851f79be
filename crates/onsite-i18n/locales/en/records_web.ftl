# The customer records pages (issue 6): words only the web pages use. The records' own words
# (columns, statuses, filters, approvals) are in records.ftl.

records-web-pages = Pages
records-web-decide-title = Your decision
records-web-back-to-invoice = Back to the invoice
records-web-notice-estimate-approved = You approved the estimate. The service company has been told.
records-web-notice-estimate-rejected = You rejected the estimate. The service company has been told.
records-web-notice-renewal-approved = You approved the renewal. The service company has been told.
records-web-notice-renewal-rejected = You rejected the renewal. The service company has been told.
records-web-yes = Yes
records-web-no = No
records-web-notice-record-saved = Saved.

## The staff's records pages (dispatchers and admins)
records-staff-nav = Records
records-staff-col-id = Id
records-staff-new-component = Add a component
records-staff-section-skills = Skills required
records-staff-none = None
records-staff-change-account = Choose another account
records-staff-choose-account-intro = Which customer is it for? Search by the account's name, or by a contact's name or email, then choose the account.
records-staff-choose-account-search = Account, contact or email
records-staff-choose-account-none = No account matches this search.
records-staff-choose-account-more = More accounts match: type more of the name to narrow the list.
records-staff-choose-account-inactive = inactive
records-staff-choose-account-unknown = That account does not exist (any more): choose the account again. Nothing was saved.
records-staff-error-changed = Someone saved this record since you opened the form: nothing was changed. Open the record again to see their change, then make yours.
records-staff-lines-hint = Quantity such as 1.5; unit price in the invoice's currency, such as 95.00; tax rate in percent, such as 14.975. Blank rows are ignored.
