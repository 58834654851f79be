//! What staff forms offer to choose from, so that no form asks for a numeric id (issue 14,
//! item 9): the accounts matching a search (the first step of a new record: "which
//! customer?"), then that account's own assets, agreements and work orders, and the service
//! types. Staff only ([`Staff`]); the use cases that save a form still check every choice
//! (same account, an existing record), since a choice is only what the browser sent back.

use crate::App;
use crate::policy::Staff;
use onsite_domain::AccountId;
use onsite_domain::account::Account;
use onsite_domain::agreement::Agreement;
use onsite_domain::asset::Asset;
use onsite_domain::service_type::ServiceType;
use onsite_domain::work_order::WorkOrder;
use onsite_store::catalog::ServiceTypeFilter;
use onsite_store::directory::{self, AccountContacts, AccountFilter, Page};
use onsite_store::records::RecordKind;
use onsite_store::records::Start;
use onsite_store::visibility::Visibility;
use onsite_store::{StoreError, accounts, agreements, assets, catalog, work_orders};

/// At most this many accounts answer one search: the person refines it to see others.
pub const ACCOUNTS_PER_SEARCH: u32 = 20;

/// The accounts whose name, or one of whose contacts' name or email, matches `search`, by name;
/// `has_more` when more match than [`ACCOUNTS_PER_SEARCH`].
pub async fn accounts(
    app: &App,
    _staff: Staff,
    search: &str,
) -> Result<Page<AccountContacts>, StoreError> {
    let mut conn = app.store.conn().await?;
    let filter = AccountFilter {
        search: search.trim().to_owned(),
        ..AccountFilter::default()
    };
    let first =
        directory::accounts_page(&mut conn, &filter, Start::First, ACCOUNTS_PER_SEARCH).await?;
    Ok(Page {
        has_more: first.next.is_some(),
        items: first.items,
    })
}

/// What a record form of one account offers: the account itself and, as the form picks them,
/// its assets (parents before their components), agreements and work orders, and every
/// service type (retired ones too: a work order keeps its own; the form marks them). What the
/// form does not pick is left empty, unread.
#[derive(Debug, Clone)]
pub struct AccountChoices {
    pub account: Account,
    pub assets: Vec<Asset>,
    pub agreements: Vec<Agreement>,
    pub work_orders: Vec<WorkOrder>,
    pub service_types: Vec<ServiceType>,
}

/// The choices the form of a `form` record of the account `account` picks from: an
/// agreement's none, an asset's parent among the assets, a work order's service type, asset
/// and agreement, an invoice's work order (named with its service type) and agreement.
/// [`StoreError::NotFound`] when there is no such account.
pub async fn of_account(
    app: &App,
    _staff: Staff,
    account: AccountId,
    form: RecordKind,
) -> Result<AccountChoices, StoreError> {
    let mut conn = app.store.conn().await?;
    let account = accounts::account(&mut conn, account).await?;
    let (id, all) = (account.id, Visibility::All);
    let mut choices = AccountChoices {
        account,
        assets: Vec::new(),
        agreements: Vec::new(),
        work_orders: Vec::new(),
        service_types: Vec::new(),
    };
    if matches!(form, RecordKind::Asset | RecordKind::WorkOrder) {
        choices.assets = assets::assets_of_account(&mut conn, id, all).await?;
    }
    if matches!(form, RecordKind::WorkOrder | RecordKind::Invoice) {
        choices.agreements = agreements::agreements_of_account(&mut conn, id, all).await?;
        choices.service_types =
            catalog::list_service_types(&mut conn, ServiceTypeFilter::All).await?;
    }
    if form == RecordKind::Invoice {
        choices.work_orders = work_orders::work_orders_of_account(&mut conn, id, all).await?;
    }
    Ok(choices)
}
