-- One-time secrets leave the readable outbox (issue 12: a dispatcher read the administrator's
-- password-reset link in the mailbox and became administrator).
--
-- An email that carries a one-time secret (the password-reset link's token, an invitation
-- code) is stored with a placeholder where the secret goes, in its subject, text and HTML,
-- and the secret itself in `secret`. Only the delivery worker reads `secret`, to fill in the
-- copy it hands to SMTP; the statement that records the delivery (or the final failure) sets
-- it to NULL. `carries_secret` stays, so every view can say that the message had a secret and
-- that it is not kept.
ALTER TABLE email_outbox ADD COLUMN secret TEXT;
ALTER TABLE email_outbox ADD COLUMN carries_secret {bool} NOT NULL DEFAULT FALSE;

-- Messages stored before this migration hold their secret in clear, inside text that no SQL
-- of both engines can take apart reliably. They are recognised by their kind (the template
-- folder) or, should a kind ever have been renamed, by the prefix of their event key; both
-- are set by the code that queued them (`identity::invite`, `identity::forgot_password`).
-- Their bodies are replaced whole by the placeholder (their subjects are fixed words, no
-- secret), so nothing of the secret survives; any attachment goes too (they had none). A
-- message not yet delivered cannot be delivered without its secret: it fails, and the person
-- asks for a new link, or staff invite again.
DELETE FROM email_outbox_attachments
WHERE message_id IN (
    SELECT id FROM email_outbox
    WHERE kind IN ('invitation', 'password-reset')
       OR event_key LIKE 'invitation:%' OR event_key LIKE 'password-reset:%'
);
UPDATE email_outbox
SET carries_secret = TRUE,
    secret = NULL,
    text_body = '{{onsite-one-time-secret}}',
    html_body = '{{onsite-one-time-secret}}',
    last_error = CASE WHEN status = 'pending'
        THEN 'not sent: its one-time secret was removed by migration 0011; ask for a new link or invitation'
        ELSE last_error END,
    status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
    locked_until = NULL
WHERE kind IN ('invitation', 'password-reset')
   OR event_key LIKE 'invitation:%' OR event_key LIKE 'password-reset:%';
