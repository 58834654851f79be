//! The back office's directory: accounts with their contacts, and everyone who can sign in,
//! for staff only ([`Staff`]). Searching is by name or email; pages are `limit` long.

use crate::App;
use crate::policy::Staff;
use onsite_domain::account::{Account, Contact};
use onsite_domain::{AccountId, ContactId};
use onsite_store::directory::{self as store, AccountContacts, Page, UserSummary};
use onsite_store::{StoreError, accounts};

/// Accounts whose name, or one of whose contacts, matches `search`, with their contacts.
pub async fn accounts_with_contacts(
    app: &App,
    _staff: Staff,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Page<AccountContacts>, StoreError> {
    store::accounts_with_contacts(&mut *app.store.conn().await?, search, limit, offset).await
}

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
