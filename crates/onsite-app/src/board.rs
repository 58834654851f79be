//! The dispatcher's board: the visits of a period and those that need attention (flagged by a
//! reassignment), for the back office only ([`Staff`]).

use crate::App;
use crate::policy::Staff;
use onsite_domain::technician::Technician;
use onsite_store::StoreError;
use onsite_store::visit_board::{self, BoardFilter, BoardVisit};

/// The visits of a period and the ones needing attention, whatever their period.
#[derive(Debug, Clone)]
pub struct Board {
    /// By start time (then technician), at most the filter's limit.
    pub visits: Vec<BoardVisit>,
    /// Flagged visits, oldest flag first.
    pub attention: Vec<BoardVisit>,
}

/// The board for `filter`.
pub async fn board(app: &App, _staff: Staff, filter: &BoardFilter) -> Result<Board, StoreError> {
    let mut conn = app.store.conn().await?;
    let visits = visit_board::visits(&mut conn, filter).await?;
    let attention = visit_board::needing_attention(&mut conn).await?;
    Ok(Board { visits, attention })
}

/// Every technician (active or not), by name, from the reference snapshot.
pub async fn technicians(app: &App, _staff: Staff) -> Result<Vec<Technician>, StoreError> {
    let mut conn = app.store.conn().await?;
    Ok(app.store.reference(&mut conn).await?.technicians.clone())
}
