//! What every use case needs: the store, a way to wake the mail worker, the public address
//! of the portal (for links in emails), and the live tracking hub and position writer of this
//! process. Cheap to clone.

use onsite_store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    /// Poked after a transaction that queued email commits, so it goes out at once.
    pub mail: Arc<Notify>,
    /// The webhook worker's, poked with `mail` (most changes that queue an event queue an
    /// email too; the others wait for its short poll).
    pub webhooks: Arc<Notify>,
    /// e.g. `https://portal.example.com`, without a trailing slash.
    pub public_url: String,
    /// Live positions: the group-commit writer and the per-technician fan-out (`tracking.rs`).
    pub tracking: crate::tracking::Tracking,
    /// The setup page's code while the installation has no administrator (`team.rs`).
    pub setup: crate::team::SetupCode,
}

impl App {
    pub fn new(store: Store, mail: Arc<Notify>, public_url: impl Into<String>) -> App {
        App {
            store,
            mail,
            webhooks: Default::default(),
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            tracking: Default::default(),
            setup: Default::default(),
        }
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Call after committing a transaction that queued email.
    pub fn mail_queued(&self) {
        self.mail.notify_one();
        self.webhooks.notify_one();
    }

    /// Call after committing a transaction that queued webhook deliveries.
    pub fn events_queued(&self) {
        self.webhooks.notify_one();
    }
}
