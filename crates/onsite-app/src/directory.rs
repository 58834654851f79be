//! The back office's directory: everyone who can sign in, and one account or contact by id
//! (the invitation pages name them), for staff only ([`Staff`]). The accounts list and the
//! customer pages are `customers.rs`.

use crate::App;
use crate::policy::Staff;
use onsite_domain::account::{Account, Contact};
use onsite_domain::{AccountId, ContactId};
use onsite_store::directory::{self as store, Page, UserSummary};
use onsite_store::{StoreError, accounts};

/// Everyone who can sign in whose name or email matches `search`, with their roles.
pub async fn users(
    app: &App,
    _staff: Staff,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Page<UserSummary>, StoreError> {
    store::users(&mut *app.store.conn().await?, search, limit, offset).await
}

/// One contact.
pub async fn contact(app: &App, _staff: Staff, id: ContactId) -> Result<Contact, StoreError> {
    accounts::contact(&mut *app.store.conn().await?, id).await
}

/// One account.
pub async fn account(app: &App, _staff: Staff, id: AccountId) -> Result<Account, StoreError> {
    accounts::account(&mut *app.store.conn().await?, id).await
}
