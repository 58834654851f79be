//! Reading columns portably: SQLite hands booleans back as integers and has no timestamp type,
//! so every read of a bool, instant or date goes through these helpers.

use crate::StoreError;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{Row, ValueRef};

pub fn to_ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub fn from_ms(ms: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A civil date as stored: `YYYY-MM-DD`.
pub fn date_text(d: Date) -> String {
    d.to_string()
}

pub trait RowExt {
    fn i64(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn f64(&self, col: &str) -> Result<f64, StoreError>;
    fn text(&self, col: &str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn bool(&self, col: &str) -> Result<bool, StoreError>;
    fn ts(&self, col: &str) -> Result<Timestamp, StoreError>;
    fn opt_ts(&self, col: &str) -> Result<Option<Timestamp>, StoreError>;
    fn date(&self, col: &str) -> Result<Date, StoreError>;
}

impl RowExt for AnyRow {
    fn i64(&self, col: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(col)?)
    }

    fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(col)?)
    }

    fn f64(&self, col: &str) -> Result<f64, StoreError> {
        // SQLite stores a REAL that happens to be whole as an integer value.
        match self.try_get::<f64, _>(col) {
            Ok(v) => Ok(v),
            Err(_) => Ok(self.try_get::<i64, _>(col)? as f64),
        }
    }

    fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.try_get(col)?)
    }

    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(col)?)
    }

    fn bool(&self, col: &str) -> Result<bool, StoreError> {
        let raw = self.try_get_raw(col)?;
        if raw.is_null() {
            return Err(StoreError::Corrupt(format!("{col} is NULL")));
        }
        match self.try_get::<bool, _>(col) {
            Ok(b) => Ok(b),
            Err(_) => Ok(self.try_get::<i64, _>(col)? != 0),
        }
    }

    fn ts(&self, col: &str) -> Result<Timestamp, StoreError> {
        from_ms(self.i64(col)?)
    }

    fn opt_ts(&self, col: &str) -> Result<Option<Timestamp>, StoreError> {
        self.opt_i64(col)?.map(from_ms).transpose()
    }

    fn date(&self, col: &str) -> Result<Date, StoreError> {
        let s = self.text(col)?;
        s.parse()
            .map_err(|_| StoreError::Corrupt(format!("{col}: bad date {s:?}")))
    }
}
