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
