//! The one place Ponte reads the calendar.

use time::{Date, Duration, OffsetDateTime};

/// Today's date in Brasília (UTC−3, no daylight saving since 2019): the calendar of boleto due
/// dates and of the ERPs.
pub fn today_in_brasilia() -> Date {
    (OffsetDateTime::now_utc() - Duration::hours(3)).date()
}
