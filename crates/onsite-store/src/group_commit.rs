//! Group commit on SQLite: many short write transactions (bookings) share ONE database
//! transaction and ONE commit, each inside its own savepoint.
//!
//! SQLite has one writer at a time. A writer that finds the lock taken sleeps in the busy
//! handler and retries, rather than being woken when the lock is free, and every transaction
//! pays its own commit (a WAL append and an fsync with `synchronous = FULL`). Here the writers
//! of the process queue on an async mutex instead (woken in turn, first come first served),
//! and whoever holds it works inside the group's open transaction:
//!
//! 1. [`GroupWriter::turn`] waits for the mutex, begins the group's transaction if none is
//!    open (`BEGIN IMMEDIATE` on a pooled connection) and opens a savepoint for this writer.
//! 2. The writer reads and writes through the [`Turn`] (it derefs to the connection). It sees
//!    the writes of the earlier members of its group, as a transaction of its own would see
//!    them committed: checks like "is this technician still free" stay exact.
//! 3. [`Turn::keep`] releases the savepoint and waits for the group's commit; the first member
//!    to keep schedules that commit, which queues on the mutex behind every writer already
//!    waiting, so they all join the group. [`Turn::discard`] (or dropping the turn, e.g. on an
//!    error or a cancelled request) rolls back only this writer's savepoint.
//! 4. The commit answers every member at once: `Ok` only after `COMMIT` returned, so nothing
//!    acknowledged is lost and the durability is the database's (`synchronous = FULL`). A
//!    failed commit is every member's error: the same [`StoreError`] (a clone), so its
//!    [`classify`](StoreError::classify) still tells a busy or unavailable database from a bug.
//!
//! Writers outside the groups (`Store::begin`) wait in SQLite's busy handler instead, which
//! retries after a growing sleep; groups running back to back would leave them no gap, so
//! after each group the mutex's holder leaves the write lock free until they have it (woken
//! when the last of them got it, see [`OtherWriter`]) or [`YIELD_AT_MOST`] has passed.
//!
//! Group commit can be turned off (`Store::with_group_commit(false)`, the setting
//! `database.group_commit`): every turn is then a `BEGIN IMMEDIATE` transaction of its own.
//!
//! PostgreSQL runs writers concurrently (row locks, the per-technician advisory lock): there
//! a turn is simply its own transaction.

use crate::{Conn, Result, StoreError, Tx};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

/// The outcome of one group's commit, as its members receive it.
type Outcome = Option<Result<()>>;

/// The process's queue of grouped writers (one per [`crate::Store`], shared by its clones).
#[derive(Debug, Clone)]
pub(crate) struct GroupWriter {
    state: Arc<Mutex<State>>,
    /// How many writers outside the groups wait for SQLite's write lock (see
    /// [`OtherWriter`]).
    others: Arc<watch::Sender<usize>>,
}

impl Default for GroupWriter {
    fn default() -> Self {
        let (others, waiting) = watch::channel(0);
        GroupWriter {
            state: Arc::new(Mutex::new(State {
                others: waiting,
                conn: None,
                group: None,
                abandoned: None,
                next_savepoint: 0,
            })),
            others: Arc::new(others),
        }
    }
}

/// A writer outside the groups (`Store::begin`: cancel, reschedule, the workers) waiting for
/// the write lock, counted while it waits. It waits in SQLite's busy handler, which retries
/// after 1, 2, 5, 10… ms; groups running back to back would leave it no gap, so after each
/// group the lock is left free while anyone is counted here (at most [`YIELD_AT_MOST`]). The
/// count is a `watch` channel: the group's task sleeps until it falls to zero, woken by the
/// change.
pub(crate) struct OtherWriter(Arc<watch::Sender<usize>>);

impl Drop for OtherWriter {
    fn drop(&mut self) {
        self.0.send_modify(|waiting| *waiting -= 1);
    }
}

/// The longest the groups leave the write lock free for writers outside them.
const YIELD_AT_MOST: Duration = Duration::from_millis(100);

#[derive(Debug)]
struct State {
    /// How many writers outside the groups wait for the write lock.
    others: watch::Receiver<usize>,
    /// The group's connection while its transaction is open.
    conn: Option<PoolConnection<Any>>,
    group: Option<Group>,
    /// A savepoint its writer abandoned (dropped without keep/discard): rolled back by the next
    /// holder of the mutex before anything else.
    abandoned: Option<String>,
    next_savepoint: u64,
}

#[derive(Debug)]
struct Group {
    done: watch::Sender<Outcome>,
    /// Members that kept their work.
    kept: usize,
    commit_scheduled: bool,
    /// A savepoint statement failed: the group's transaction cannot be trusted any more.
    broken: Option<StoreError>,
}

impl GroupWriter {
    /// Counts the caller as a writer outside the groups until the guard drops.
    pub(crate) fn other_writer(&self) -> OtherWriter {
        self.others.send_modify(|waiting| *waiting += 1);
        OtherWriter(self.others.clone())
    }

    /// Waits for the writer's turn and opens a savepoint in the group's transaction.
    pub(crate) async fn turn(&self, pool: &AnyPool) -> Result<GroupTurn> {
        let mut state = self.state.clone().lock_owned().await;
        state.settle_abandoned().await;
        if state.group.as_ref().is_some_and(|g| g.broken.is_some()) {
            state.end_group().await;
        }
        if state.group.is_none() {
            let mut conn = pool.acquire().await?;
            conn.execute("BEGIN IMMEDIATE").await?;
            state.conn = Some(conn);
            state.group = Some(Group {
                done: watch::channel(None).0,
                kept: 0,
                commit_scheduled: false,
                broken: None,
            });
        }
        state.next_savepoint += 1;
        let savepoint = format!("booking_{}", state.next_savepoint);
        if let Err(e) = state.exec(&format!("SAVEPOINT {savepoint}")).await {
            let e = StoreError::from(e);
            state.break_group(&e);
            state.schedule_commit(&self.state);
            return Err(e);
        }
        Ok(GroupTurn {
            state: Some(state),
            shared: self.state.clone(),
            savepoint,
        })
    }
}

impl State {
    async fn exec(&mut self, sql: &str) -> std::result::Result<(), sqlx::Error> {
        match self.conn.as_mut() {
            Some(conn) => conn.execute(sql).await.map(|_| ()),
            None => Err(sqlx::Error::PoolClosed),
        }
    }

    fn break_group(&mut self, e: &StoreError) {
        if let Some(g) = self.group.as_mut() {
            g.broken.get_or_insert_with(|| e.clone());
        }
    }

    /// Rolls back a savepoint whose writer went away without saying what to do with it.
    async fn settle_abandoned(&mut self) {
        if let Some(savepoint) = self.abandoned.take() {
            let undone = self
                .exec(&format!(
                    "ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}"
                ))
                .await;
            if let Err(e) = undone {
                self.break_group(&e.into());
            }
        }
    }

    /// Makes sure somebody will end the open group: a task (so that no cancelled request can
    /// leave the database locked) that queues on the mutex behind the writers waiting now.
    fn schedule_commit(&mut self, shared: &Arc<Mutex<State>>) {
        let Some(group) = self.group.as_mut() else {
            return;
        };
        if group.commit_scheduled {
            return;
        }
        group.commit_scheduled = true;
        let shared = shared.clone();
        // Outside a runtime (a turn dropped after its runtime ended) there is nobody left to
        // answer and the process is ending: the connection's drop rolls the group back.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let mut state = shared.lock_owned().await;
                state.end_group().await;
            });
        }
    }

    /// Commits the group (or rolls it back if it is broken or nobody kept anything), returns
    /// its connection to the pool and answers the members.
    async fn end_group(&mut self) {
        self.settle_abandoned().await;
        let Some(group) = self.group.take() else {
            return;
        };
        let outcome = match (group.broken, group.kept) {
            (Some(why), _) => Err(why),
            (None, 0) => Ok(()),
            (None, _) => self.exec("COMMIT").await.map_err(StoreError::from),
        };
        if let Err(e) = &outcome {
            tracing::error!(error = %e, members = group.kept, "a group commit failed");
        }
        if outcome.is_err() || group.kept == 0 {
            // Ends the transaction whatever state the failure left it in.
            let _ = self.exec("ROLLBACK").await;
        }
        self.conn = None;
        let _ = group.done.send(Some(outcome));
        // The write lock is free: leave it to the writers outside the groups that wait for it
        // (woken when the last of them has it), for at most YIELD_AT_MOST.
        let _ = tokio::time::timeout(YIELD_AT_MOST, self.others.wait_for(|waiting| *waiting == 0))
            .await;
    }
}

/// One writer's part of a group (SQLite): its savepoint in the group's open transaction.
pub struct GroupTurn {
    /// `None` once kept or discarded.
    state: Option<OwnedMutexGuard<State>>,
    shared: Arc<Mutex<State>>,
    savepoint: String,
}

impl GroupTurn {
    fn conn(&mut self) -> &mut Conn {
        match self.state.as_mut().and_then(|s| s.conn.as_mut()) {
            Some(conn) => conn,
            // `turn` only hands out a GroupTurn with the group's connection in place, and
            // keep/discard consume it.
            None => unreachable!("a group turn always holds the group's connection"),
        }
    }

    async fn keep(mut self) -> Result<()> {
        let Some(mut state) = self.state.take() else {
            return Ok(());
        };
        let released = state
            .exec(&format!("RELEASE SAVEPOINT {}", self.savepoint))
            .await;
        if let Err(e) = released {
            let e = StoreError::from(e);
            state.break_group(&e);
            state.schedule_commit(&self.shared);
            return Err(e);
        }
        let Some(group) = state.group.as_mut() else {
            return Err(StoreError::Interrupted("no open group"));
        };
        group.kept += 1;
        let mut done = group.done.subscribe();
        state.schedule_commit(&self.shared);
        drop(state);
        let outcome = done
            .wait_for(Option::is_some)
            .await
            .map_err(|_| StoreError::Interrupted("the group's commit did not run"))?
            .clone();
        outcome.unwrap_or(Err(StoreError::Interrupted(
            "the group's commit did not run",
        )))
    }

    async fn discard(mut self) -> Result<()> {
        let Some(mut state) = self.state.take() else {
            return Ok(());
        };
        let sp = &self.savepoint;
        let undone = state
            .exec(&format!(
                "ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}"
            ))
            .await
            .map_err(StoreError::from);
        if let Err(e) = &undone {
            state.break_group(e);
        }
        // Nobody kept anything and nobody will end the group: end it now, freeing the lock.
        let idle = state
            .group
            .as_ref()
            .is_some_and(|g| g.kept == 0 && !g.commit_scheduled);
        if idle {
            state.end_group().await;
        } else {
            state.schedule_commit(&self.shared);
        }
        undone
    }
}

impl Drop for GroupTurn {
    fn drop(&mut self) {
        // An error (`?`) or a cancelled request left the savepoint open: the next holder of the
        // mutex rolls it back, and the group is ended even if nobody else comes.
        if let Some(mut state) = self.state.take() {
            state.abandoned = Some(std::mem::take(&mut self.savepoint));
            state.schedule_commit(&self.shared);
        }
    }
}

/// A write transaction that may be grouped with others ([`crate::Store::turn`]): on SQLite a
/// savepoint in the group's transaction, on PostgreSQL a transaction of its own. Use it as a
/// connection (`&mut turn`), then [`Turn::keep`] (answers once the work is durable) or
/// [`Turn::discard`].
pub enum Turn {
    Grouped(GroupTurn),
    Own(Tx),
}

impl Turn {
    /// Keeps the work: returns once it is committed (with its group on SQLite).
    pub async fn keep(self) -> Result<()> {
        match self {
            Turn::Grouped(t) => t.keep().await,
            Turn::Own(tx) => Ok(tx.commit().await?),
        }
    }

    /// Undoes the work at once (on PostgreSQL this also releases its locks).
    pub async fn discard(self) -> Result<()> {
        match self {
            Turn::Grouped(t) => t.discard().await,
            Turn::Own(tx) => Ok(tx.rollback().await?),
        }
    }
}

impl std::ops::Deref for Turn {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        match self {
            Turn::Grouped(t) => match t.state.as_ref().and_then(|s| s.conn.as_ref()) {
                Some(conn) => conn,
                None => unreachable!("a group turn always holds the group's connection"),
            },
            Turn::Own(tx) => tx,
        }
    }
}

impl std::ops::DerefMut for Turn {
    fn deref_mut(&mut self) -> &mut Conn {
        match self {
            Turn::Grouped(t) => t.conn(),
            Turn::Own(tx) => tx,
        }
    }
}
